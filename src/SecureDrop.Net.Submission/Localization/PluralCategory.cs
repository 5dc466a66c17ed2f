using System.Globalization;

namespace SecureDrop.Net.Submission.Localization;

/// <summary>
/// CLDR plural categories (unicode.org/cldr, common/supplemental/plurals.xml) for the front end's languages. A new
/// language adds its rule here with its resource file; until then every count reads as "other".
/// </summary>
internal static class PluralCategory
{
    public static string Of(CultureInfo culture, decimal number)
    {
        ArgumentNullException.ThrowIfNull(culture);
        bool integer = number == decimal.Truncate(number);
        return culture.Name.Split('-')[0] switch
        {
            // en: one → i = 1 and v = 0 (exactly 1, with no visible fraction digits).
            "en" => integer && number == 1 ? "one" : "other",
            // ko: only "other" (Korean counts with counters, not plural forms).
            _ => "other",
        };
    }
}

using System.Globalization;

namespace SecureDrop.Net.Submission.Localization;

/// <summary>
/// CLDR plural categories (unicode.org/cldr, common/supplemental/plurals.xml) for the front end's languages. A
/// language without a rule here gets English's ("one" for exactly 1), which CLDR gives German, Dutch, Swedish,
/// Italian, Finnish and others too, and which is harmless for a language that writes only "other" (a missing case
/// falls back to it); a language whose rule differs (French, Russian, Arabic...) adds it here.
/// </summary>
internal static class PluralCategory
{
    public static string Of(CultureInfo culture, decimal number)
    {
        ArgumentNullException.ThrowIfNull(culture);
        bool integer = number == decimal.Truncate(number);
        return culture.Name.Split('-')[0] switch
        {
            // ko: only "other" (Korean counts with counters, not plural forms).
            "ko" => "other",
            // en and the default: one → i = 1 and v = 0 (exactly 1, with no visible fraction digits).
            _ => integer && number == 1 ? "one" : "other",
        };
    }
}

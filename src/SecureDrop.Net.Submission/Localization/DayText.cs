using System.Globalization;
using Microsoft.Extensions.Localization;

namespace SecureDrop.Net.Submission.Localization;

/// <summary>
/// A stored day ("2026-12-07", the only time the front end keeps) as a person writes it: "7 December 2026",
/// "2026년 12월 7일". The order and words come from the resource "DateLong"; English month names are the invariant
/// culture's, which needs no ICU.
/// </summary>
internal static class DayText
{
    public static string Format(IStringLocalizer text, string day)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return day;
        }

        return text.Format(
            "DateLong",
            ("year", date.Year.ToString(CultureInfo.InvariantCulture)),
            ("month", date.Month),
            ("monthName", CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(date.Month)),
            ("day", date.Day));
    }
}

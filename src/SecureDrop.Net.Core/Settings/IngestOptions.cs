using System.Globalization;
using Microsoft.Extensions.Options;

namespace SecureDrop.Net.Core.Settings;

/// <summary>
/// How often received tips are ingested (<c>Ingest:Window</c>, environment <c>Ingest__Window</c>): what a seized
/// server can tell about a tip's arrival is the window it arrived in, and journalists see it when that window closes.
/// An admin's choice on the console's settings page wins over this.
/// </summary>
public sealed class IngestOptions
{
    public const string Section = "Ingest";

    public TimeSpan Window { get; set; } = IngestWindows.Default;
}

/// <summary>Checks <see cref="IngestOptions"/> at start, naming the setting and the fix.</summary>
public sealed class IngestOptionsValidator : IValidateOptions<IngestOptions>
{
    public ValidateOptionsResult Validate(string? name, IngestOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return IngestWindows.Problem(options.Window) is { } problem
            ? ValidateOptionsResult.Fail($"Ingest:Window (environment Ingest__Window) is {options.Window.ToString("c", CultureInfo.InvariantCulture)}: {problem}")
            : ValidateOptionsResult.Success;
    }
}

/// <summary>
/// The windows: each closes on a fixed boundary of the UTC day (every hour on the hour by default), so all are the
/// same length and the schedule says nothing an observer could not know. Allowed: a whole number of minutes that
/// divides an hour, or of hours that divides a day; at least one minute.
/// </summary>
public static class IngestWindows
{
    public static readonly TimeSpan Default = TimeSpan.FromHours(1);

    public static readonly TimeSpan Minimum = TimeSpan.FromMinutes(1);

    /// <summary>Every window that can be chosen, shortest first.</summary>
    public static readonly IReadOnlyList<TimeSpan> Allowed =
        [.. new[] { 1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 }.Select(m => TimeSpan.FromMinutes(m)),
         .. new[] { 1, 2, 3, 4, 6, 8, 12, 24 }.Select(h => TimeSpan.FromHours(h))];

    /// <summary>Why a window cannot be used, with the fix; null when it can.</summary>
    public static string? Problem(TimeSpan window) => Allowed.Contains(window)
        ? null
        : window < Minimum
            ? "it must be at least one minute (the default, 01:00:00, places each tip within an hour)."
            : "it must be 1, 2, 3, 4, 5, 6, 10, 12, 15, 20 or 30 minutes, or 1, 2, 3, 4, 6, 8, 12 or 24 hours, so that windows close at fixed times of the day; for example 01:00:00.";

    /// <summary>The Hangfire cron expression (UTC) that fires at the end of every window.</summary>
    public static string Cron(TimeSpan window) => window.TotalHours switch
    {
        >= 24 => "0 0 * * *",
        1 => "0 * * * *",
        > 1 => $"0 */{(int)window.TotalHours} * * *",
        _ => window.TotalMinutes == 1 ? "* * * * *" : $"*/{(int)window.TotalMinutes} * * * *",
    };

    /// <summary>When the window holding <paramref name="moment"/> began (windows are aligned to midnight UTC).</summary>
    public static DateTimeOffset StartOf(DateTimeOffset moment, TimeSpan window)
    {
        var utc = moment.ToUniversalTime();
        var sinceMidnight = utc.TimeOfDay.Ticks;
        return new DateTimeOffset(utc.Date, TimeSpan.Zero).AddTicks(sinceMidnight - (sinceMidnight % window.Ticks));
    }

    /// <summary>How a window reads to a person: "1 hour", "15 minutes".</summary>
    public static string Describe(TimeSpan window) => window.TotalHours >= 1
        ? window.TotalHours == 1 ? "1 hour" : $"{window.TotalHours:0} hours"
        : window.TotalMinutes == 1 ? "1 minute" : $"{window.TotalMinutes:0} minutes";
}

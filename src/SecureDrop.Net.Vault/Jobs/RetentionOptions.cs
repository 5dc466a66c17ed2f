using Microsoft.Extensions.Options;

namespace SecureDrop.Net.Vault.Jobs;

/// <summary>How long material is kept. Bound from the "Retention" configuration section.</summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>Submissions older than this many days are deleted for good; 0 keeps them until a journalist deletes them.</summary>
    public int SubmissionDays { get; set; }

    /// <summary>How many days the console is warned before a submission expires.</summary>
    public int WarningDays { get; set; } = 7;

    /// <summary>Sources that never submitted anything (abandoned after /generate) are removed after this many days.</summary>
    public int AbandonedSourceDays { get; set; } = 1;
}

public sealed class RetentionOptionsValidator : IValidateOptions<RetentionOptions>
{
    public ValidateOptionsResult Validate(string? name, RetentionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.SubmissionDays is < 0 or > 36500)
        {
            failures.Add("Retention:SubmissionDays must be between 0 (keep until deleted) and 36500.");
        }

        if (options.WarningDays < 0 || (options.SubmissionDays > 0 && options.WarningDays >= options.SubmissionDays))
        {
            failures.Add("Retention:WarningDays must be 0 or more and less than Retention:SubmissionDays.");
        }

        if (options.AbandonedSourceDays is < 1 or > 365)
        {
            failures.Add("Retention:AbandonedSourceDays must be between 1 and 365.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>What the console says about a submission's expiry under the retention settings.</summary>
public static class RetentionNotice
{
    /// <summary>The day the submission expires, when that is within the warning period; otherwise null.</summary>
    public static string? ExpiryWarning(string receivedDay, RetentionOptions options, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.SubmissionDays == 0
            || !DateTime.TryParseExact(receivedDay, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var received))
        {
            return null;
        }

        var expires = received.AddDays(options.SubmissionDays);
        return now.UtcDateTime.Date >= expires.AddDays(-options.WarningDays)
            ? expires.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)
            : null;
    }
}

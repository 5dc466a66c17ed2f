using Microsoft.Extensions.Options;

namespace SecureDrop.Net.Submission.Abuse;

/// <summary>
/// Limits on what costs the server most. Per-IP limits mean nothing behind Tor (every request comes from the
/// local tor daemon), so these are global: uploads in flight, codename sign-ins and new sources per minute,
/// and Argon2id derivations at once (each holds 64 MiB). Bound from the "Submission" section.
/// </summary>
internal sealed class AbuseLimits
{
    public const string Section = "Submission";

    public int MaxConcurrentUploads { get; set; } = 16;

    public int LoginsPerMinute { get; set; } = 60;

    public int NewSourcesPerMinute { get; set; } = 60;

    public int MaxConcurrentKeyDerivations { get; set; } = 2;

    /// <summary>How long a sign-in may wait for a free derivation slot before it is told the site is busy.</summary>
    public int KeyDerivationWaitSeconds { get; set; } = 10;
}

internal sealed class AbuseLimitsValidator : IValidateOptions<AbuseLimits>
{
    public ValidateOptionsResult Validate(string? name, AbuseLimits options)
    {
        var failures = new List<string>();
        Check(options.MaxConcurrentUploads, 1, 10_000, "Submission:MaxConcurrentUploads", failures);
        Check(options.LoginsPerMinute, 1, 100_000, "Submission:LoginsPerMinute", failures);
        Check(options.NewSourcesPerMinute, 1, 100_000, "Submission:NewSourcesPerMinute", failures);
        Check(options.MaxConcurrentKeyDerivations, 1, 64, "Submission:MaxConcurrentKeyDerivations", failures);
        Check(options.KeyDerivationWaitSeconds, 0, 120, "Submission:KeyDerivationWaitSeconds", failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(int value, int min, int max, string setting, List<string> failures)
    {
        if (value < min || value > max)
        {
            failures.Add($"{setting} must be between {min} and {max} (it is {value}).");
        }
    }
}

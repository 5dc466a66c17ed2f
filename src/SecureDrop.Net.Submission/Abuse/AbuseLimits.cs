using Microsoft.Extensions.Options;

namespace SecureDrop.Net.Submission.Abuse;

/// <summary>
/// Limits on what costs the server most, bound from the "Submission" section. Behind Tor every request comes from
/// the local tor daemon, so an address means nothing; with <c>Submission:ProxyProtocol=tor</c> each request names its
/// Tor circuit, and the limits that matter apply per circuit and per source session: uploads in flight, sign-ins and
/// new codenames per minute, one Argon2id derivation at a time. A new circuit is what an attacker must pay for (Tor's
/// proof-of-work defence prices it). The site-wide limits remain as a last resort, well above honest traffic.
/// </summary>
internal sealed class AbuseLimits
{
    public const string Section = "Submission";

    /// <summary>Uploads in flight on the whole site; when they are all taken, the circuit holding the most gives one up.</summary>
    public int MaxConcurrentUploads { get; set; } = 1000;

    /// <summary>Uploads in flight on one Tor circuit (Tor Browser puts all of one site's tabs on one circuit).</summary>
    public int UploadsPerCircuit { get; set; } = 2;

    /// <summary>Uploads in flight for one signed-in source, whichever circuits they come over.</summary>
    public int UploadsPerSession { get; set; } = 2;

    /// <summary>How long one upload may take at most, however steadily it trickles: no one holds a slot for days.</summary>
    public int MaxUploadMinutes { get; set; } = 360;

    /// <summary>Codename sign-ins per minute on the whole site.</summary>
    public int LoginsPerMinute { get; set; } = 600;

    /// <summary>Codename sign-ins per minute on one Tor circuit.</summary>
    public int LoginsPerCircuitPerMinute { get; set; } = 10;

    /// <summary>New codenames continued (sources created) per minute on the whole site.</summary>
    public int NewSourcesPerMinute { get; set; } = 300;

    /// <summary>New codenames continued per minute on one Tor circuit.</summary>
    public int NewSourcesPerCircuitPerMinute { get; set; } = 5;

    /// <summary>Argon2id derivations at once on the whole site; each holds 64 MiB while it runs.</summary>
    public int MaxConcurrentKeyDerivations { get; set; } = 2;

    /// <summary>How long a sign-in may wait for a free derivation slot before it is told the site is busy.</summary>
    public int KeyDerivationWaitSeconds { get; set; } = 10;
}

internal sealed class AbuseLimitsValidator : IValidateOptions<AbuseLimits>
{
    public ValidateOptionsResult Validate(string? name, AbuseLimits options)
    {
        var failures = new List<string>();
        Check(options.MaxConcurrentUploads, 1, 100_000, "Submission:MaxConcurrentUploads", failures);
        Check(options.UploadsPerCircuit, 1, 100, "Submission:UploadsPerCircuit", failures);
        Check(options.UploadsPerSession, 1, 100, "Submission:UploadsPerSession", failures);
        Check(options.MaxUploadMinutes, 1, 7 * 24 * 60, "Submission:MaxUploadMinutes", failures);
        Check(options.LoginsPerMinute, 1, 100_000, "Submission:LoginsPerMinute", failures);
        Check(options.LoginsPerCircuitPerMinute, 1, 100_000, "Submission:LoginsPerCircuitPerMinute", failures);
        Check(options.NewSourcesPerMinute, 1, 100_000, "Submission:NewSourcesPerMinute", failures);
        Check(options.NewSourcesPerCircuitPerMinute, 1, 100_000, "Submission:NewSourcesPerCircuitPerMinute", failures);
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

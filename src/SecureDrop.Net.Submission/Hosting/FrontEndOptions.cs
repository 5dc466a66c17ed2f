using Microsoft.Extensions.Options;

namespace SecureDrop.Net.Submission.Hosting;

/// <summary>
/// Connection-level limits and the public face of the front end, bound from the "Submission" section.
/// Kestrel's defaults are generous for an anonymous, hostile audience; these are tighter.
/// </summary>
internal sealed class FrontEndOptions
{
    public const string Section = "Submission";

    /// <summary>
    /// Open connections at once; Kestrel closes one more as soon as it accepts it. Above the upload capacity
    /// (<c>Submission:MaxConcurrentUploads</c>, 1,000): every upload in flight holds a connection, and sources arriving
    /// meanwhile need some to be told "busy" or to be shed a slot. An idle connection holds no buffer.
    /// </summary>
    public int MaxConnections { get; set; } = 4096;

    /// <summary>
    /// Open connections at once over one Tor circuit (with <c>Submission:ProxyProtocol=tor</c>); one more is closed as
    /// soon as its circuit line is read. Tor Browser opens a handful per site; without this one circuit could take
    /// every connection of <see cref="MaxConnections"/>, and a newcomer's would be closed at once.
    /// </summary>
    public int MaxConnectionsPerCircuit { get; set; } = 32;

    /// <summary>All request headers together, request line included.</summary>
    public int MaxRequestHeadersBytes { get; set; } = 16 * 1024;

    public int MaxRequestHeaderCount { get; set; } = 32;

    /// <summary>Below this rate (after a 5 s grace) an upload is cut off: a slow-loris holds no connection for long.</summary>
    public int MinRequestBodyBytesPerSecond { get; set; } = 1024;

    /// <summary>The onion origin sent as <c>Onion-Location</c> (e.g. http://…onion), or empty for none.</summary>
    public string OnionAddress { get; set; } = "";

    /// <summary>Who receives the tips, shown on the landing page; empty for a generic wording.</summary>
    public string NewsroomName { get; set; } = "";

    /// <summary>
    /// <c>none</c>: connections carry HTTP from their first byte. <c>tor</c>: each begins with the PROXY line of tor's
    /// <c>HiddenServiceExportCircuitID haproxy</c>, which names the Tor circuit; admission is then fair per circuit.
    /// </summary>
    public string ProxyProtocol { get; set; } = ProxyProtocols.None;

    public bool ReadsTorCircuits => string.Equals(ProxyProtocol, ProxyProtocols.Tor, StringComparison.Ordinal);
}

internal static class ProxyProtocols
{
    public const string None = "none";
    public const string Tor = "tor";
}

internal sealed class FrontEndOptionsValidator : IValidateOptions<FrontEndOptions>
{
    public ValidateOptionsResult Validate(string? name, FrontEndOptions options)
    {
        var failures = new List<string>();
        if (options.MaxConnections is < 8 or > 100_000)
        {
            failures.Add("Submission:MaxConnections must be between 8 and 100000.");
        }

        if (options.MaxConnectionsPerCircuit < 4 || options.MaxConnectionsPerCircuit > options.MaxConnections)
        {
            failures.Add("Submission:MaxConnectionsPerCircuit must be between 4 and Submission:MaxConnections (a browser opens several connections to one site).");
        }

        if (options.MaxRequestHeadersBytes is < 4096 or > 1024 * 1024)
        {
            failures.Add("Submission:MaxRequestHeadersBytes must be between 4096 and 1048576.");
        }

        if (options.MaxRequestHeaderCount is < 8 or > 200)
        {
            failures.Add("Submission:MaxRequestHeaderCount must be between 8 and 200.");
        }

        if (options.MinRequestBodyBytesPerSecond is < 1 or > 1024 * 1024)
        {
            failures.Add("Submission:MinRequestBodyBytesPerSecond must be between 1 and 1048576.");
        }

        if (options.OnionAddress.Length > 0
            && (!Uri.TryCreate(options.OnionAddress, UriKind.Absolute, out var onion)
                || !onion.Host.EndsWith(".onion", StringComparison.OrdinalIgnoreCase)
                || onion.AbsolutePath != "/" || onion.Scheme is not ("http" or "https")))
        {
            failures.Add("Submission:OnionAddress must be an origin such as http://<56 characters>.onion, or empty.");
        }

        if (options.NewsroomName.Length > Core.Settings.InstanceSettings.MaxOrganisationNameLength)
        {
            failures.Add("Submission:NewsroomName must be at most 100 characters.");
        }

        if (options.ProxyProtocol is not (ProxyProtocols.None or ProxyProtocols.Tor))
        {
            failures.Add($"Submission:ProxyProtocol must be 'none' or 'tor' (it is '{options.ProxyProtocol}'). Set 'tor' when the front end "
                + "is an onion service with 'HiddenServiceExportCircuitID haproxy' in its torrc (as ops/tor/torrc has), 'none' otherwise.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

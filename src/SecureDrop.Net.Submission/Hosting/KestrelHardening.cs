using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace SecureDrop.Net.Submission.Hosting;

/// <summary>
/// Kestrel's limits for an anonymous audience: small headers, few of them, a minimum upload rate against
/// slow-loris, a bounded number of connections, HTTP/1.1 and HTTP/2 only. The body limit is 64 KiB except
/// on /submit, which raises it per request to the submission limit. Behind tor with <c>Submission:ProxyProtocol=tor</c>,
/// every connection must first name its Tor circuit (<see cref="TorCircuitExport"/>).
/// </summary>
internal sealed class KestrelHardening : IConfigureOptions<KestrelServerOptions>
{
    public const long DefaultMaxRequestBodyBytes = 64 * 1024;
    private readonly IOptions<FrontEndOptions> _options;
    private readonly TorCircuitExport _circuits;

    public KestrelHardening(IOptions<FrontEndOptions> options, ILogger<TorCircuitExport> logger, TimeProvider time)
    {
        _options = options;
        _circuits = new TorCircuitExport(logger, time, options.Value.MaxConnectionsPerCircuit);
    }

    public void Configure(KestrelServerOptions options)
    {
        var settings = _options.Value;
        options.AddServerHeader = false;
        // Protocols stay Kestrel's default, HTTP/1.1 and HTTP/2 (never HTTP/3, which needs setting): HTTP/2 where TLS
        // negotiates it, HTTP/1.1 on plain endpoints, without the warning an explicit setting logs on those.
        if (settings.ReadsTorCircuits)
        {
            options.ConfigureEndpointDefaults(endpoint => endpoint.Use(_circuits.Wrap));
        }

        var limits = options.Limits;
        limits.MaxRequestBodySize = DefaultMaxRequestBodyBytes;
        limits.MaxConcurrentConnections = settings.MaxConnections;
        limits.MaxConcurrentUpgradedConnections = 0;
        limits.MaxRequestHeadersTotalSize = settings.MaxRequestHeadersBytes;
        limits.MaxRequestLineSize = Math.Min(8 * 1024, settings.MaxRequestHeadersBytes);
        limits.MaxRequestHeaderCount = settings.MaxRequestHeaderCount;
        limits.MaxRequestBufferSize = 1024 * 1024;
        limits.MaxResponseBufferSize = 64 * 1024;
        limits.KeepAliveTimeout = TimeSpan.FromSeconds(60);
        limits.RequestHeadersTimeout = TimeSpan.FromSeconds(20);
        limits.MinRequestBodyDataRate = new MinDataRate(settings.MinRequestBodyBytesPerSecond, TimeSpan.FromSeconds(5));
        limits.MinResponseDataRate = new MinDataRate(240, TimeSpan.FromSeconds(5));
        limits.Http2.MaxStreamsPerConnection = 32;
        limits.Http2.MaxRequestHeaderFieldSize = settings.MaxRequestHeadersBytes;
        limits.Http2.HeaderTableSize = 4096;
    }
}

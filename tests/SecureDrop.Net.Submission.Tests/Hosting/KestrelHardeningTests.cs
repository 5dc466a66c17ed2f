using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;
using SecureDrop.Net.Submission.Abuse;
using SecureDrop.Net.Submission.Tests.Support;

namespace SecureDrop.Net.Submission.Tests.Hosting;

/// <summary>HTTP/1.1 on a plain endpoint without a start-up warning; HTTP/2 where TLS negotiates it; never HTTP/3.</summary>
public sealed class KestrelHardeningTests
{
    [Fact]
    public async Task PlainEndpoint_StartsWithoutAnHttp2Warning_AndServesHttp11()
    {
        await using var host = await FrontEndHost.StartAsync();
        using var http = new HttpClient { BaseAddress = host.Address };

        using var response = await http.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(HttpVersion.Version11, response.Version);
        Assert.DoesNotContain(host.Logs.Lines, line => line.Contains("HTTP/2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TlsEndpoint_NegotiatesHttp2()
    {
        using var certificate = Headers.HeaderAndCookieTests.SelfSignedCertificate();
        await using var host = await FrontEndHost.StartAsync(https: true, configure: builder =>
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate)));
        // The test host's certificate is the development one; trusting it is all this handler does differently.
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator };
        using var http = new HttpClient(handler) { BaseAddress = host.Address, DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

        using var response = await http.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(HttpVersion.Version20, response.Version);
    }

    [Fact]
    public async Task Defaults_KeepAConnectionForEveryUploadTheSiteAdmits_AndOneMore()
    {
        await using var host = await FrontEndHost.StartAsync();
        var capacity = host.App.App.Services.GetRequiredService<IOptions<AbuseLimits>>().Value.MaxConcurrentUploads;
        var held = new List<TcpClient>();
        try
        {
            // One open connection per upload the site would admit (each still to send its request).
            for (var i = 0; i < capacity; i++)
            {
                var connection = new TcpClient();
                held.Add(connection);
                await connection.ConnectAsync(IPAddress.Loopback, host.Address.Port);
            }

            using var http = new HttpClient { BaseAddress = host.Address };
            using var response = await http.GetAsync(new Uri("/", UriKind.Relative));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            held.ForEach(c => c.Dispose());
        }
    }
}

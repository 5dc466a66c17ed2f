using System.Net.Sockets;

namespace SecureDrop.Net.Cli.Tests.Ops;

/// <summary>The production units' way of listening: Kestrel on a Unix socket (no TCP port), reachable by the service's group.</summary>
public sealed class UnixSocketTests
{
    [Theory]
    [InlineData("submission", "/")]
    [InlineData("reviewer", "/login")]
    public async Task Serve_OnAUnixSocket_AnswersThere_AndOpensTheSocketToTheGroupOnly(string role, string page)
    {
        using var instance = await TestInstance.CreateAsync();
        var socket = Path.Combine(instance.Root, role + ".sock");
        await using var serve = SdnetProcess.Start(["serve", role, "--data", instance.Data.Root, "--url", "http://unix:" + socket]);

        using var http = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await client.ConnectAsync(new UnixDomainSocketEndPoint(socket), cancellationToken);
                return new NetworkStream(client, ownsSocket: true);
            },
        })
        { BaseAddress = new Uri("http://localhost"), Timeout = TimeSpan.FromSeconds(10) };

        var status = await WaitForAnswerAsync(serve, http, page);
        // The mode is set just after Kestrel starts listening, so the first answer can come a moment before it.
        var expected = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite;
        for (var attempt = 0; attempt < 50 && File.GetUnixFileMode(socket) != expected; attempt++)
        {
            await Task.Delay(100);
        }

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(expected, File.GetUnixFileMode(socket));
    }

    private static async Task<HttpStatusCode> WaitForAnswerAsync(SdnetProcess serve, HttpClient http, string page)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            Assert.False(serve.HasExited, serve.Output);
            try
            {
                using var response = await http.GetAsync(new Uri(page, UriKind.Relative));
                return response.StatusCode;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(200);
            }
        }

        Assert.Fail("sdnet serve did not answer on its socket within 60 s:\n" + serve.Output);
        return default;
    }
}

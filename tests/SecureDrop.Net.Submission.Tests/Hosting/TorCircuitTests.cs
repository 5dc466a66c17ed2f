using System.Net.Sockets;
using Microsoft.Extensions.Options;
using SecureDrop.Net.Submission.Hosting;
using SecureDrop.Net.Submission.Tests.Support;

namespace SecureDrop.Net.Submission.Tests.Hosting;

/// <summary>
/// <c>Submission:ProxyProtocol=tor</c>: every connection begins with tor's PROXY line naming its circuit, or is closed
/// before any HTTP is read. The lines below are tor's own unit-test expectations (src/test/test_hs_service.c,
/// test_export_client_circuit_id) and what tor 0.4.9 sent in this repository's private Tor network.
/// </summary>
public sealed class TorCircuitTests
{
    private static readonly Dictionary<string, string?> Tor = new() { ["Submission:ProxyProtocol"] = "tor" };

    [Theory]
    [InlineData("PROXY TCP6 fc00:dead:beef:4dad::0:29a ::1 666 42", 666u)]
    [InlineData("PROXY TCP6 fc00:dead:beef:4dad::ffff:ffff ::1 65535 42", 0xffffffffu)]
    [InlineData("PROXY TCP6 fc00:dead:beef:4dad::0:ffff ::1 65535 42", 0xffffu)]
    [InlineData("PROXY TCP6 fc00:dead:beef:4dad::1:6 ::1 6 42", 0x10006u)]
    [InlineData("PROXY TCP6 fc00:dead:beef:4dad::0:d3 ::1 211 80", 211u)]
    public void Parse_TorsLines_GiveTheCircuitId(string line, uint circuit) =>
        Assert.Equal(circuit, TorCircuitLine.Parse(Encoding.ASCII.GetBytes(line)));

    [Theory]
    [InlineData("PROXY TCP4 10.0.0.1 10.0.0.2 1 2")]
    [InlineData("PROXY TCP6 fc00:dead:beef:4dae::0:d3 ::1 211 80")]
    [InlineData("PROXY TCP6 2001:db8::1 ::1 211 80")]
    [InlineData("PROXY UNKNOWN")]
    [InlineData("PROXY TCP6 fc00:dead:beef:4dad::0:d3 ::1 211")]
    [InlineData("PROXY TCP6 fc00:dead:beef:4dad::0:d3 ::1 211 80 extra")]
    [InlineData("PROXY TCP6 fc00:dead:beef:4dad::0:d3 ::1 70000 80")]
    [InlineData("PROXY TCP6 fc00:dead:beef:4dad::0:d3 ::1 0211 80")]
    [InlineData("PROXY  TCP6 fc00:dead:beef:4dad::0:d3 ::1 211 80")]
    [InlineData("proxy TCP6 fc00:dead:beef:4dad::0:d3 ::1 211 80")]
    [InlineData("GET / HTTP/1.1")]
    [InlineData("")]
    public void Parse_AnythingElse_IsRefused(string line) =>
        Assert.Null(TorCircuitLine.Parse(Encoding.ASCII.GetBytes(line)));

    [Fact]
    public async Task TorMode_ConnectionWithCircuitLine_IsServed()
    {
        await using var host = await FrontEndHost.StartAsync(Tor);
        using var source = new EmulatedCircuit(0x1234_5678).Source(host.Address);

        var page = await source.Http.GetStringAsync(new Uri("/", UriKind.Relative));

        Assert.Contains("SecureDrop.Net", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\n\r\n")]
    [InlineData("PROXY TCP4 127.0.0.1 127.0.0.1 5000 80\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")]
    [InlineData("PROXY TCP6 fc00:dead:beef:4dad::0:d3 ::1 211 80\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")]
    public async Task TorMode_ConnectionWithoutCircuitLine_IsClosedUnanswered(string request)
    {
        await using var host = await FrontEndHost.StartAsync(Tor);

        var answer = await SendAndReadAsync(host.Address.Port, Encoding.ASCII.GetBytes(request));

        Assert.Empty(answer);
        Assert.Contains(host.Logs.Lines, line => line.Contains("without a Tor circuit line", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TorMode_ProxyHealthProbe_IsClosedUnanswered_WithoutAWarning()
    {
        await using var host = await FrontEndHost.StartAsync(Tor);

        var answer = await SendAndReadAsync(host.Address.Port, "PROXY UNKNOWN\r\n"u8.ToArray());

        Assert.Empty(answer);
        Assert.True(TorCircuitLine.IsProbe("PROXY UNKNOWN"u8));
        Assert.Null(TorCircuitLine.Parse("PROXY UNKNOWN"u8));
        Assert.DoesNotContain(host.Logs.Lines, line => line.Contains("without a Tor circuit line", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TorMode_SilentConnection_IsClosedAfterTheLineTimeout()
    {
        await using var host = await FrontEndHost.StartAsync(Tor);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, host.Address.Port);
        using var limit = new CancellationTokenSource(TorCircuitExport.LineTimeout * 3);

        int read;
        try
        {
            read = await socket.ReceiveAsync(new byte[16], SocketFlags.None, limit.Token);
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionReset)
        {
            read = 0;
        }

        Assert.Equal(0, read);
    }

    [Fact]
    public async Task TorMode_ConnectionsBeyondTheCircuitsCap_AreClosedUnanswered_OtherCircuitsAreServed_AndClosingOneFreesAPlace()
    {
        await using var host = await FrontEndHost.StartAsync(new Dictionary<string, string?>(Tor) { ["Submission:MaxConnectionsPerCircuit"] = "4" });
        var flooding = new EmulatedCircuit(0xF100D);
        var held = new List<NetworkStream>();
        try
        {
            // Four connections over one circuit, each answered once and kept open (keep-alive): the circuit's cap.
            for (var i = 0; i < 4; i++)
            {
                held.Add(await AnsweredAndKeptOpenAsync(flooding, host.Address.Port));
            }

            // A fifth and a sixth over it are closed before any HTTP is read; one warning says so.
            Assert.Empty(await SendAndReadAsync(flooding, host.Address.Port));
            Assert.Empty(await SendAndReadAsync(flooding, host.Address.Port));
            Assert.Single(host.Logs.Lines, line => line.Contains("beyond Submission:MaxConnectionsPerCircuit (4)", StringComparison.Ordinal));

            // Another circuit is served meanwhile.
            using (var other = new EmulatedCircuit(0xF100E).Source(host.Address))
            {
                Assert.Contains("SecureDrop.Net", await other.Http.GetStringAsync(new Uri("/", UriKind.Relative)), StringComparison.Ordinal);
            }

            // Once one of the four closes, the circuit may open another (the count drops when Kestrel ends it).
            await held[0].DisposeAsync();
            held.RemoveAt(0);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while ((await SendAndReadAsync(flooding, host.Address.Port)).Length == 0)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "The circuit's closed connection never gave its place back.");
                await Task.Delay(100);
            }
        }
        finally
        {
            foreach (var stream in held)
            {
                await stream.DisposeAsync();
            }
        }
    }

    [Fact]
    public void Settings_CircuitConnectionCapAboveTheSitesOrBelowABrowsersNeed_FailsAtStartNamingTheSetting()
    {
        var above = new FrontEndOptionsValidator().Validate(null, new FrontEndOptions { MaxConnections = 100, MaxConnectionsPerCircuit = 101 });
        var below = new FrontEndOptionsValidator().Validate(null, new FrontEndOptions { MaxConnectionsPerCircuit = 3 });

        Assert.Contains("Submission:MaxConnectionsPerCircuit must be between 4 and Submission:MaxConnections", above.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Submission:MaxConnectionsPerCircuit must be between 4 and Submission:MaxConnections", below.FailureMessage, StringComparison.Ordinal);
        Assert.True(new FrontEndOptionsValidator().Validate(null, new FrontEndOptions()).Succeeded);
    }

    /// <summary>A connection over <paramref name="circuit"/> that sent one request and got the start of its answer.</summary>
    private static async Task<NetworkStream> AnsweredAndKeptOpenAsync(EmulatedCircuit circuit, int port)
    {
        var stream = await circuit.ConnectAsync(port);
        await stream.WriteAsync("GET /public-key HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var buffer = new byte[16];
        Assert.True(await stream.ReadAsync(buffer, limit.Token) > 0, "The connection was not answered.");
        return stream;
    }

    /// <summary>One request over a new connection of <paramref name="circuit"/>: what came back before it closed.</summary>
    private static async Task<byte[]> SendAndReadAsync(EmulatedCircuit circuit, int port)
    {
        await using var stream = await circuit.ConnectAsync(port);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var buffer = new byte[4096];
        try
        {
            await stream.WriteAsync("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"u8.ToArray(), limit.Token);
            using var received = new MemoryStream();
            int read;
            while ((read = await stream.ReadAsync(buffer, limit.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }

            return received.ToArray();
        }
        catch (IOException)
        {
            // A reset is how a closed connection may end.
            return [];
        }
    }

    [Fact]
    public async Task NoneMode_CircuitLine_IsNotHttp()
    {
        await using var host = await FrontEndHost.StartAsync();
        var line = new EmulatedCircuit(7).Line;

        var answer = await SendAndReadAsync(host.Address.Port, Encoding.ASCII.GetBytes(line + "GET / HTTP/1.1\r\nHost: x\r\n\r\n"));

        Assert.StartsWith("HTTP/1.1 400", Encoding.ASCII.GetString(answer), StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_UnknownProxyProtocol_FailsAtStartNamingTheSettingAndTheFix()
    {
        var result = new FrontEndOptionsValidator().Validate(null, new FrontEndOptions { ProxyProtocol = "haproxy" });

        Assert.True(result.Failed);
        Assert.Contains("Submission:ProxyProtocol must be 'none' or 'tor' (it is 'haproxy')", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("HiddenServiceExportCircuitID haproxy", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithUnknownProxyProtocol_Refuses()
    {
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            FrontEndHost.StartAsync(new Dictionary<string, string?> { ["Submission:ProxyProtocol"] = "TOR" }));

        Assert.Contains("Submission:ProxyProtocol", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CircuitIds_AreNeverLogged()
    {
        // A circuit id that is unmistakable in any notation a log line might use.
        const uint canary = 0x7E57_C1D5;
        await using var host = await FrontEndHost.StartAsync(Tor);
        using var source = new EmulatedCircuit(canary).Source(host.Address);
        await source.GenerateAndContinueAsync();
        using var response = await source.SubmitAsync("a message", ("a.txt", [1, 2, 3]));
        response.EnsureSuccessStatusCode();
        await SendAndReadAsync(host.Address.Port, Encoding.ASCII.GetBytes("PROXY TCP6 fc00:dead:beef:4dad::7e57:c1d5 ::1 49621 80\r\nBAD"));

        var lines = string.Join('\n', host.Logs.Lines);
        foreach (var form in new[] { "2119680469", "7e57c1d5", "7e57:c1d5", "0x7E57C1D5" })
        {
            Assert.DoesNotContain(form, lines, StringComparison.OrdinalIgnoreCase);
        }
    }

    private static async Task<byte[]> SendAndReadAsync(int port, byte[] request)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(request);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, limit.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException)
        {
            // A reset is how a closed connection may end.
        }

        return received.ToArray();
    }
}

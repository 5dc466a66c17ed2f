using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using SecureDrop.Net.Submission.Abuse;
using SecureDrop.Net.Submission.Tests.BadInput;
using SecureDrop.Net.Submission.Tests.Support;

namespace SecureDrop.Net.Submission.Tests.Abuse;

/// <summary>
/// Behind tor with circuit lines, limits apply per Tor circuit and per source session: a flood on one circuit spends
/// that circuit's allowance and leaves sources on other circuits served; a full site sheds the circuit holding the
/// most uploads, never a newcomer first; no upload outlives Submission:MaxUploadMinutes.
/// </summary>
public sealed class CircuitAdmissionTests
{
    private const string UnknownCodename = "abacus abacus abacus abacus abacus abacus abacus";

    [Fact]
    public async Task Logins_FloodOnOneCircuit_IsRefusedThere_AndAnotherCircuitSignsIn()
    {
        await using var host = await FrontEndHost.StartAsync(Settings(("LoginsPerCircuitPerMinute", "2")));
        var flooding = new EmulatedCircuit(1);
        var honest = new EmulatedCircuit(2);
        using var registered = honest.Source(host.Address);
        var codename = await registered.GenerateAndContinueAsync();
        using var attacker = flooding.Source(host.Address);

        var statuses = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 4; attempt++)
        {
            using var response = await attacker.LoginAsync(UnknownCodename);
            statuses.Add(response.StatusCode);
        }

        using var returning = honest.Source(host.Address);
        using var signIn = await returning.LoginAsync(codename);

        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable], statuses);
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.Equal("/lookup", signIn.RequestMessage?.RequestUri?.AbsolutePath);
    }

    [Fact]
    public async Task NewSources_OverTheCircuitLimit_AreRefusedThere_AndAnotherCircuitGetsOne()
    {
        await using var host = await FrontEndHost.StartAsync(Settings(("NewSourcesPerCircuitPerMinute", "1")));
        var flooding = new EmulatedCircuit(10);
        using (var first = flooding.Source(host.Address))
        {
            await first.GenerateAndContinueAsync();
        }

        using var second = flooding.Source(host.Address);
        var refused = await Assert.ThrowsAsync<HttpRequestException>(second.GenerateAndContinueAsync);
        using var other = new EmulatedCircuit(11).Source(host.Address);
        await other.GenerateAndContinueAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(2, await host.CountAsync("sources"));
    }

    [Fact]
    public async Task Uploads_OverTheCircuitLimit_AreRefusedThere_AndAnotherCircuitSubmits()
    {
        await using var host = await FrontEndHost.StartAsync(Settings(("UploadsPerCircuit", "1")));
        var busy = new EmulatedCircuit(20);
        using var holder = busy.Source(host.Address);
        await using var trickle = await StartTrickleAsync(host, busy, holder);

        using var sameCircuit = busy.Source(host.Address);
        await sameCircuit.GenerateAndContinueAsync();
        using var refused = await sameCircuit.SubmitAsync("on the busy circuit");
        using var elsewhere = new EmulatedCircuit(21).Source(host.Address);
        await elsewhere.GenerateAndContinueAsync();
        using var accepted = await elsewhere.SubmitAsync("on another circuit");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(1, await host.CountAsync("submissions"));
    }

    [Fact]
    public async Task Uploads_FullSite_ShedsTheSlowestUploadOfTheCircuitHoldingTheMost_NotTheNewcomer()
    {
        await using var host = await FrontEndHost.StartAsync(Settings(("MaxConcurrentUploads", "3"), ("UploadsPerCircuit", "2")));
        var greedy = new EmulatedCircuit(30);
        var modest = new EmulatedCircuit(31);
        using var greedySource = greedy.Source(host.Address);
        using var modestSource = modest.Source(host.Address);
        await using var greedyFirst = await StartTrickleAsync(host, greedy, greedySource);
        await using var greedySecond = await StartTrickleAsync(host, greedy, greedySource);
        await using var modestOne = await StartTrickleAsync(host, modest, modestSource);

        using var newcomer = new EmulatedCircuit(32).Source(host.Address);
        await newcomer.GenerateAndContinueAsync();
        using var response = await newcomer.SubmitAsync("a newcomer's tip");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, new[] { await IsClosedAsync(greedyFirst), await IsClosedAsync(greedySecond) }.Count(closed => closed));
        Assert.False(await IsClosedAsync(modestOne));
        Assert.Contains(host.Logs.Lines, line => line.Contains("[1211]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Uploads_FullSiteWhereEveryCircuitHoldsOne_TellsTheNewcomerBusy()
    {
        await using var host = await FrontEndHost.StartAsync(Settings(("MaxConcurrentUploads", "2")));
        var first = new EmulatedCircuit(40);
        var second = new EmulatedCircuit(41);
        using var firstSource = first.Source(host.Address);
        using var secondSource = second.Source(host.Address);
        await using var one = await StartTrickleAsync(host, first, firstSource);
        await using var two = await StartTrickleAsync(host, second, secondSource);

        using var newcomer = new EmulatedCircuit(42).Source(host.Address);
        await newcomer.GenerateAndContinueAsync();
        using var response = await newcomer.SubmitAsync("a newcomer's tip");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.False(await IsClosedAsync(one));
        Assert.False(await IsClosedAsync(two));
    }

    [Fact]
    public async Task Uploads_OneSessionOverManyCircuits_IsHeldToTheSessionLimit()
    {
        await using var host = await FrontEndHost.StartAsync(Settings(("UploadsPerSession", "1")));
        var circuit = new EmulatedCircuit(50);
        using var source = circuit.Source(host.Address);
        await using var trickle = await StartTrickleAsync(host, circuit, source);

        // The same session's cookie, over a different circuit.
        var page = await source.Http.GetStringAsync(new Uri("/submit", UriKind.Relative));
        var context = new SourceContext(host.Address, source.Cookies.GetCookieHeader(host.Address), HtmlForms.AntiforgeryToken(page), "");
        await using var other = await new EmulatedCircuit(51).ConnectAsync(host.Address.Port);
        await other.WriteAsync(Wire.Submit(context, Wire.Field("XyZ", "message", "second"u8.ToArray())));
        var answer = await ReadAllAsync(other);

        Assert.StartsWith("HTTP/1.1 503", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Uploads_PastMaxUploadMinutes_AreClosedAndKeepNothing()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
        await using var host = await FrontEndHost.StartAsync(Settings(("MaxUploadMinutes", "5")), clock);
        var circuit = new EmulatedCircuit(60);
        using var source = circuit.Source(host.Address);
        await using var trickle = await StartTrickleAsync(host, circuit, source);

        clock.Advance(TimeSpan.FromMinutes(4));
        var openAtFour = !await IsClosedAsync(trickle);
        clock.Advance(TimeSpan.FromMinutes(2));

        Assert.True(openAtFour);
        Assert.True(await IsClosedAsync(trickle, TimeSpan.FromSeconds(30)));
        Assert.Contains(host.Logs.Lines, line => line.Contains("[1212]", StringComparison.Ordinal));
        Assert.Equal(0, await host.CountAsync("submissions"));
    }

    private static Dictionary<string, string?> Settings(params (string Name, string Value)[] settings)
    {
        // Trickles here send a little and then wait: Kestrel's minimum upload rate must not end them first.
        var all = new Dictionary<string, string?> { ["Submission:ProxyProtocol"] = "tor", ["Submission:MinRequestBodyBytesPerSecond"] = "1" };
        foreach (var (name, value) in settings)
        {
            all["Submission:" + name] = value;
        }

        return all;
    }

    /// <summary>An upload over <paramref name="circuit"/> that has sent its head and most of a message, and is still sending.</summary>
    private static async Task<NetworkStream> StartTrickleAsync(FrontEndHost host, EmulatedCircuit circuit, SourceClient source)
    {
        if (source.Cookies.GetCookieHeader(host.Address).Length == 0)
        {
            await source.GenerateAndContinueAsync();
        }

        var page = await source.Http.GetStringAsync(new Uri("/submit", UriKind.Relative));
        var context = new SourceContext(host.Address, source.Cookies.GetCookieHeader(host.Address), HtmlForms.AntiforgeryToken(page), "");
        var request = Wire.Submit(context, Wire.Field("XyZ", "message", Encoding.UTF8.GetBytes(new string('x', 4096))));
        var admission = host.App.App.Services.GetRequiredService<UploadAdmission>();
        var before = admission.InFlight;
        var stream = await circuit.ConnectAsync(host.Address.Port);
        await stream.WriteAsync(request.AsMemory(0, request.Length - 100));
        await WaitForAsync(() => admission.InFlight > before);
        return stream;
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25);
        }
    }

    /// <summary>Whether the server has closed the connection (a read ends or fails) within a short wait.</summary>
    private static async Task<bool> IsClosedAsync(NetworkStream stream, TimeSpan? wait = null)
    {
        using var limit = new CancellationTokenSource(wait ?? TimeSpan.FromSeconds(1));
        try
        {
            var buffer = new byte[4096];
            while (await stream.ReadAsync(buffer, limit.Token) > 0)
            {
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    private static async Task<string> ReadAllAsync(NetworkStream stream)
    {
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
        }

        return Encoding.ASCII.GetString(received.ToArray());
    }
}

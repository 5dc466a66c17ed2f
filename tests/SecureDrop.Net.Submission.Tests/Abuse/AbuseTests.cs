using SecureDrop.Net.Submission.Tests.BadInput;
using SecureDrop.Net.Submission.Tests.Support;

namespace SecureDrop.Net.Submission.Tests.Abuse;

/// <summary>Global limits on what costs the server: each refusal is a plain 503 with Retry-After, never a crash.</summary>
public sealed class AbuseTests
{
    [Fact]
    public async Task Logins_OverThePerMinuteLimit_Get503WithRetryAfter()
    {
        await using var host = await FrontEndHost.StartAsync(new Dictionary<string, string?> { ["Submission:LoginsPerMinute"] = "2" });
        using var source = new SourceClient(host.Address);

        var statuses = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 4; attempt++)
        {
            using var response = await source.LoginAsync("abacus abacus abacus abacus abacus abacus abacus");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                AssertBusyPage(response, await response.Content.ReadAsStringAsync());
            }
        }

        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable], statuses);
    }

    [Fact]
    public async Task NewSources_OverThePerMinuteLimit_Get503AndCreateNothing()
    {
        await using var host = await FrontEndHost.StartAsync(new Dictionary<string, string?> { ["Submission:NewSourcesPerMinute"] = "1" });
        using var first = new SourceClient(host.Address);
        await first.GenerateAndContinueAsync();

        using var second = new SourceClient(host.Address);
        var exception = await Assert.ThrowsAsync<HttpRequestException>(second.GenerateAndContinueAsync);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, exception.StatusCode);
        Assert.Equal(1, await host.CountAsync("sources"));
    }

    [Fact]
    public async Task Uploads_OverTheConcurrencyLimit_Get503WhileOneIsInFlight()
    {
        await using var host = await FrontEndHost.StartAsync(new Dictionary<string, string?> { ["Submission:MaxConcurrentUploads"] = "1" });
        using var source = new SourceClient(host.Address);
        await source.GenerateAndContinueAsync();
        var page = await source.Http.GetStringAsync(new Uri("/submit", UriKind.Relative));
        var context = new SourceContext(host.Address, source.Cookies.GetCookieHeader(host.Address), HtmlForms.AntiforgeryToken(page), "");

        // An upload that has sent its head and first part, and is still sending.
        var slow = Wire.Submit(context, Wire.Field("XyZ", "message", Encoding.UTF8.GetBytes("slow")));
        using var inFlight = new System.Net.Sockets.TcpClient();
        await inFlight.ConnectAsync(IPAddress.Loopback, host.Address.Port);
        await inFlight.GetStream().WriteAsync(slow.AsMemory(0, slow.Length - 20));
        await Task.Delay(300);

        using var second = await source.SubmitAsync("Second upload", []);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        AssertBusyPage(second, await second.Content.ReadAsStringAsync());
        inFlight.Close();
        Assert.Equal(0, await host.CountAsync("submissions"));
    }

    [Fact]
    public async Task KeyDerivationFlood_IsBoundedAndAnsweredBusy_NeverCrashes()
    {
        await using var host = await FrontEndHost.StartAsync(new Dictionary<string, string?>
        {
            ["Submission:MaxConcurrentKeyDerivations"] = "1",
            ["Submission:KeyDerivationWaitSeconds"] = "0",
        });
        var clients = Enumerable.Range(0, 6).Select(_ => new SourceClient(host.Address)).ToList();
        try
        {
            var responses = await Task.WhenAll(clients.Select(c => c.LoginAsync("abacus abacus abacus abacus abacus abacus abacus")));

            Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.BadRequest, HttpStatusCode.ServiceUnavailable }));
            Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.ServiceUnavailable);
            Assert.All(responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable), r => Assert.NotNull(r.Headers.RetryAfter));
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }

        using var alive = new SourceClient(host.Address);
        Assert.Contains("SecureDrop.Net", await alive.Http.GetStringAsync(new Uri("/", UriKind.Relative)), StringComparison.Ordinal);
    }

    private static void AssertBusyPage(HttpResponseMessage response, string body)
    {
        Assert.Equal(TimeSpan.FromSeconds(60), response.Headers.RetryAfter?.Delta);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("busy", body, StringComparison.Ordinal);
    }
}

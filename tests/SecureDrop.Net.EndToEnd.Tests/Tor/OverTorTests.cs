using Microsoft.Playwright;

namespace SecureDrop.Net.EndToEnd.Tests.Tor;

/// <summary>
/// The product over a real Tor network (the run's private one, <see cref="TorNetwork"/>): a source's whole visit in
/// headless chromium with JavaScript off on the front end's .onion address; the console reachable only by a device
/// whose client key tor holds; floods from one circuit leaving a source on another circuit served.
/// </summary>
[Collection(SharesTheTorNetwork.Name)]
public sealed class OverTorTests
{
    private readonly TorNetwork _network;

    public OverTorTests(TorNetwork network)
    {
        _network = network;
    }

    [Fact]
    public async Task Source_InChromiumWithJavaScriptOff_SubmitsAndReturns_OnTheOnionAddress_WithHostPrefixedCookies()
    {
        var site = await OnionSite.OfAsync(_network);
        using (var http = TorClients.Http(_network, "cookie-check", site.FrontEnd))
        using (var generate = await http.GetAsync(new Uri("/generate", UriKind.Relative)))
        {
            // On the onion's plain HTTP, as Tor Browser sees it: both cookies __Host- prefixed and Secure.
            Assert.Contains(generate.Headers.GetValues("Set-Cookie"), c => c.StartsWith("__Host-sdnet-antiforgery=", StringComparison.Ordinal)
                && c.Contains("; secure", StringComparison.OrdinalIgnoreCase) && c.Contains("path=/", StringComparison.OrdinalIgnoreCase) && !c.Contains("domain", StringComparison.OrdinalIgnoreCase));
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumFixture.ChromiumPath,
            Headless = true,
            Timeout = 60_000,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                $"--proxy-server=socks5://127.0.0.1:{_network.SocksPort}",
                // Nothing is resolved outside tor: a name that reached the system resolver would fail.
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
                // The test's own certificate for the onion's TLS port (OnionSite.FrontEndTls).
                "--ignore-certificate-errors",
            ],
        });
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { JavaScriptEnabled = false, BaseURL = site.FrontEndTls.ToString(), IgnoreHTTPSErrors = true });
        context.SetDefaultTimeout(90_000);
        var page = await context.NewPageAsync();

        // The front end announces its onion address to a visitor on any other address (Onion-Location), not on the onion.
        using (var direct = TorClients.OverSocket(site.FrontEndSocket, sendsCircuitLine: true))
        using (var elsewhere = new HttpRequestMessage(HttpMethod.Get, "/"))
        {
            elsewhere.Headers.Host = "tips.example.org";
            using var response = await direct.SendAsync(elsewhere);
            Assert.Equal(site.FrontEnd.ToString(), response.Headers.GetValues("Onion-Location").Single());
        }

        var landing = await page.GotoAsync(site.FrontEndTls.ToString());
        Assert.Equal(HttpStatusCode.OK, (HttpStatusCode)landing!.Status);
        Assert.False((await landing.AllHeadersAsync()).ContainsKey("onion-location"));
        await page.ClickAsync("#start");
        var codename = (await page.InnerTextAsync("#codename")).Trim();
        await page.ClickAsync("#continue");
        Assert.Equal("/submit", new Uri(page.Url).AbsolutePath);
        await page.FillAsync("#message", "Sent over Tor");
        await page.SetInputFilesAsync("#files", new[] { new FilePayload { Name = "notes.txt", MimeType = "text/plain", Buffer = new byte[20_000] } });
        await page.ClickAsync("#submit");
        Assert.Contains("1 file", await page.InnerTextAsync("#received"), StringComparison.Ordinal);
        var cookies = await context.CookiesAsync();
        await page.ClickAsync("#logout");
        await page.GotoAsync("/login");
        await page.FillAsync("#codename", codename);
        await page.ClickAsync("#login");

        Assert.Equal("/lookup", new Uri(page.Url).AbsolutePath);
        Assert.Equal(site.FrontEnd.Host, new Uri(page.Url).Host);
        Assert.Contains(cookies, c => c.Name == "__Host-sdnet-source" && c.Secure && c.HttpOnly && c.Path == "/" && c.Domain == site.FrontEnd.Host);
        Assert.Contains(cookies, c => c.Name == "__Host-sdnet-antiforgery" && c.Secure);
        Assert.All(cookies, c => Assert.StartsWith("__Host-", c.Name, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Console_IsReachedOnlyByADeviceWhoseKeyTorHolds_AndNotAfterRevokeAndRestart()
    {
        var site = await OnionSite.OfAsync(_network);
        var keyFile = Path.Combine(_network.ClientAuthDirectory, "laptop.auth_private");
        try
        {
            // Without the key: tor cannot read the descriptor, so there is nothing to connect to.
            var withoutKey = await Assert.ThrowsAnyAsync<HttpRequestException>(() => GetLoginAsync("no-key"));
            Assert.Contains("client authorization", _network.Client.Tail(40), StringComparison.OrdinalIgnoreCase);

            await File.WriteAllTextAsync(keyFile, site.LaptopKeyLine + "\n");
            _network.Client.Reload();
            using var withKey = await TorClients.UntilReachableAsync(GetLoginAsync, TimeSpan.FromSeconds(60), "The console with the device's key");
            Assert.Equal(HttpStatusCode.OK, withKey.StatusCode);

            var (revoked, output) = await SdnetProcess.RunAsync(["journalist", "onion-auth", "revoke", "admin", "--device", "laptop",
                "--data", site.Instance.Data.Root, "--tor-dir", site.ConsoleServiceDirectory, "--tor-pid", site.Host.PidFile]);
            Assert.True(revoked == 0, output);
            Assert.Contains("restart tor", output, StringComparison.Ordinal);
            await site.Host.RestartAsync();
            await site.WaitUntilPublishedAsync();
            var invalidBefore = _network.Client.Occurrences("Client authorization for requested onion address is invalid");

            // The key is still in this client; the service no longer lists it, and only the placeholder keeps it closed.
            for (var attempt = 0; attempt < 3; attempt++)
            {
                await Assert.ThrowsAnyAsync<HttpRequestException>(() => GetLoginAsync($"after-revoke-{attempt}"));
            }

            Assert.True(_network.Client.Occurrences("Client authorization for requested onion address is invalid") > invalidBefore, _network.Client.Tail(20));
            Assert.NotNull(withoutKey);
        }
        finally
        {
            File.Delete(keyFile);
            _network.Client.Reload();
        }

        async Task<HttpResponseMessage> GetLoginAsync(string circuit)
        {
            using var http = TorClients.Http(_network, circuit, site.Console);
            var response = await http.GetAsync(new Uri("/login", UriKind.Relative));
            return response.EnsureSuccessStatusCode();
        }
    }
}

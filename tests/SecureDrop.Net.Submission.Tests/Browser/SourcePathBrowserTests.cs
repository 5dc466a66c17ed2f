using Microsoft.Playwright;
using SecureDrop.Net.Submission.Tests.Support;
using SecureDrop.Net.Testing;

namespace SecureDrop.Net.Submission.Tests.Browser;

/// <summary>The whole source path in headless chromium with JavaScript off, as Tor Browser at "Safest" would run it.</summary>
public sealed class SourcePathBrowserTests : IClassFixture<ChromiumFixture>
{
    private readonly ChromiumFixture _chromium;

    public SourcePathBrowserTests(ChromiumFixture chromium)
    {
        _chromium = chromium;
    }

    [Fact]
    public async Task Source_GeneratesSubmitsLogsOutReturnsReadsAReplyFollowsUpAndDeletesIt_WithJavaScriptOff()
    {
        await using var host = await FrontEndHost.StartAsync();
        await using var context = await _chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            JavaScriptEnabled = false,
            BaseURL = host.Address.ToString(),
        });
        var page = await context.NewPageAsync();

        await page.GotoAsync("/");
        Assert.Contains(host.Instance.Secrets.NewsroomFingerprint, await page.InnerTextAsync("#fingerprint"), StringComparison.Ordinal);
        await page.ClickAsync("#start");
        var codename = (await page.InnerTextAsync("#codename")).Trim();
        Assert.Equal(7, codename.Split(' ').Length);
        Assert.Equal(0, await host.CountAsync("sources"));
        await page.ClickAsync("#continue");

        Assert.EndsWith("/submit", page.Url, StringComparison.Ordinal);
        await page.FillAsync("#message", "Browser canary message");
        await page.SetInputFilesAsync("#files", new[]
        {
            new FilePayload { Name = "first.txt", MimeType = "text/plain", Buffer = new byte[1500] },
            new FilePayload { Name = "second.pdf", MimeType = "application/pdf", Buffer = new byte[3000] },
        });
        await page.ClickAsync("#submit");
        var received = await page.InnerTextAsync("#received");
        Assert.Contains("your message (22 bytes)", received, StringComparison.Ordinal);
        Assert.Contains("2 files (4.4 KB in all)", received, StringComparison.Ordinal);

        await page.ClickAsync("#logout");
        Assert.NotNull(await page.QuerySelectorAsync("#signed-out"));
        await page.GotoAsync("/submit");
        Assert.EndsWith("/login", page.Url, StringComparison.Ordinal);

        // A journalist answers between the two visits (as the console would store it).
        var sourceId = await host.ScalarAsync<string>("SELECT id FROM sources");
        await Testing.Seed.ReplyAsync(host.Instance.Database, sourceId, "Browser canary reply <kept as text>");

        await page.FillAsync("#codename", codename);
        await page.ClickAsync("#login");
        Assert.EndsWith("/lookup", page.Url, StringComparison.Ordinal);
        Assert.Contains("Browser canary reply <kept as text>", await page.InnerTextAsync("#replies"), StringComparison.Ordinal);
        await page.FillAsync("#message", "Browser canary follow-up");
        await page.ClickAsync("#submit");
        Assert.StartsWith("We received your message (24 bytes).", await page.InnerTextAsync("#received"), StringComparison.Ordinal);

        await page.ClickAsync("#read-replies");
        await page.ClickAsync("#replies button");
        Assert.NotNull(await page.QuerySelectorAsync("#reply-deleted"));
        Assert.NotNull(await page.QuerySelectorAsync("#no-replies"));
        Assert.True(await host.ScalarAsync<bool>("SELECT deleted FROM replies"));
        await page.ClickAsync("#logout");
        await page.GotoAsync("/lookup");
        Assert.EndsWith("/login", page.Url, StringComparison.Ordinal);

        Assert.Equal(1, await host.CountAsync("sources"));
        Assert.Equal(2, await host.CountAsync("submissions"));
        Assert.Equal(4, await host.CountAsync("items"));
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name.Contains("culture", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task LanguageLink_SwitchesToKoreanAndKeepsIt_WithJavaScriptOff()
    {
        await using var host = await FrontEndHost.StartAsync();
        await using var context = await _chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            JavaScriptEnabled = false,
            BaseURL = host.Address.ToString(),
            Locale = "en-US",
        });
        var page = await context.NewPageAsync();

        await page.GotoAsync("/");
        await page.ClickAsync("#lang-ko");
        await page.ClickAsync("#start");
        await page.ClickAsync("#continue");

        Assert.EndsWith("/submit?lang=ko", page.Url, StringComparison.Ordinal);
        Assert.Equal("ko", await page.GetAttributeAsync("html", "lang"));
        Assert.Contains("메시지", await page.InnerTextAsync("main"), StringComparison.Ordinal);
    }
}

using Microsoft.Playwright;
using SecureDrop.Net.Reviewer;

namespace SecureDrop.Net.EndToEnd.Tests.Browser;

/// <summary>
/// A journalist's first day in headless chromium: first sign-in with authenticator enrolment, reading a message,
/// downloading a file, labelling the source and deleting it, against the real console and worker on loopback.
/// </summary>
public sealed class JournalistWalkTests : IClassFixture<ChromiumFixture>
{
    private readonly ChromiumFixture _chromium;

    public JournalistWalkTests(ChromiumFixture chromium)
    {
        _chromium = chromium;
    }

    [Fact]
    public async Task Journalist_EnrolsReadsDownloadsLabelsAndDeletes_InABrowser()
    {
        using var instance = await TestInstance.CreateAsync();
        var file = Encoding.UTF8.GetBytes("spreadsheet rows the source sent");
        var (sourceId, replyKey) = await Seed.SourceWithReplyKeyAsync(instance.Database);
        replyKey.Dispose();
        await Seed.SubmissionForSourceAsync(instance.Database, sourceId, "Meet me by the <b>river</b>.", ("ledger.csv", file));
        await using var console = await RunningApp.StartAsync(url => ReviewerApp.Build(instance.Data, url));
        using var worker = Worker.WorkerApp.Build(instance.Data);
        await worker.StartAsync();
        try
        {
            await using var context = await _chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = console.Address.ToString(), AcceptDownloads = true, ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
            var page = await context.NewPageAsync();

            await page.GotoAsync("/");
            Assert.EndsWith("/login", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
            await Screenshots.SaveAsync(page, "console", "01-sign-in");
            await page.FillAsync("#username", instance.Secrets.AdminUsername);
            await page.FillAsync("#passphrase", instance.Secrets.AdminPassphrase);
            await page.ClickAsync("button:has-text('Sign in')");
            Assert.Equal("/login/second-factor", new Uri(page.Url).AbsolutePath);
            Assert.NotNull(await page.QuerySelectorAsync(".qr svg"));
            // Before the second factor nothing of the signed-in console is offered; the key reads in groups of four.
            Assert.Null(await page.QuerySelectorAsync("nav.console"));
            Assert.Empty(await page.Locator("header a").AllAsync());
            Assert.Matches("^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$", (await page.InnerTextAsync("#totp-secret")).Trim());
            await Screenshots.SaveAsync(page, "console", "02-second-factor-enrolment");
            var secret = (await page.InnerTextAsync("#totp-secret")).Replace(" ", "", StringComparison.Ordinal);
            await page.FillAsync("#code", Custody.Journalists.TotpCodes.Code(OtpNet.Base32Encoding.ToBytes(secret), TimeProvider.System.GetUtcNow()));
            await page.ClickAsync("button:has-text('Continue')");
            Assert.Equal("/", new Uri(page.Url).AbsolutePath);
            Assert.NotNull(await page.QuerySelectorAsync("nav.console"));
            await Screenshots.SaveAsync(page, "console", "03-sources");

            await page.ClickAsync($"a[href='/sources/{sourceId}']");
            Assert.Equal("Meet me by the <b>river</b>.", (await page.InnerTextAsync("pre.message-text")).Trim());
            Assert.Contains("ledger.csv", await page.InnerTextAsync("a.file-name"), StringComparison.Ordinal);

            var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("a.file-name"));
            Assert.Equal("ledger.csv", download.SuggestedFilename);
            Assert.Equal(file, await File.ReadAllBytesAsync(await download.PathAsync()));

            // A reply appears in the conversation after the submission it answers, and before the next one.
            await page.FillAsync("#reply", "Thank you: which <i>river</i>?");
            await page.ClickAsync("#send-reply");
            Assert.Equal("Thank you: which <i>river</i>?", (await page.InnerTextAsync("pre.reply-text")).Trim());
            await Seed.SubmissionForSourceAsync(instance.Database, sourceId, "The one by the old mill.");
            await page.GotoAsync($"/sources/{sourceId}");
            // One submission is one card: its message and its file together, under one "Delete this submission".
            var steps = await page.Locator("ol.conversation > li").AllInnerTextsAsync();
            Assert.Equal(3, steps.Count);
            Assert.Contains("Meet me by the <b>river</b>.", steps[0], StringComparison.Ordinal);
            Assert.Contains("ledger.csv", steps[0], StringComparison.Ordinal);
            Assert.Contains("Thank you: which <i>river</i>?", steps[1], StringComparison.Ordinal);
            Assert.Contains("The one by the old mill.", steps[2], StringComparison.Ordinal);
            Assert.Equal(2, await page.Locator("ol.conversation a:has-text('Delete this submission')").CountAsync());
            await Screenshots.SaveAsync(page, "console", "04-source-conversation");
            await page.SetViewportSizeAsync(390, 844);
            await Screenshots.SaveAsync(page, "console", "05-source-conversation-phone");
            await page.SetViewportSizeAsync(1280, 900);
            await page.GotoAsync("/admin/audit?zone=Asia/Seoul");
            var audit = await page.InnerTextAsync("table.audit tbody");
            Assert.Contains($"{instance.Secrets.AdminUsername} opened the conversation with ", audit, StringComparison.Ordinal);
            Assert.DoesNotMatch("[0-9a-f]{32}", audit);
            await Screenshots.SaveAsync(page, "console", "06-audit-log");
            await page.GotoAsync($"/sources/{sourceId}");

            await page.FillAsync("#label", "Water board");
            await page.ClickAsync("form[action$='handler=label'] button");
            Assert.Contains("water board", await page.InnerTextAsync(".labels"), StringComparison.Ordinal);
            await page.GotoAsync("/?label=water+board");
            Assert.NotNull(await page.QuerySelectorAsync($"a[href='/sources/{sourceId}']"));

            await page.GotoAsync($"/sources/{sourceId}");
            await page.ClickAsync("a:has-text('Delete this source')");
            await page.ClickAsync("button:has-text('Delete for good')");
            Assert.Equal("/", new Uri(page.Url).AbsolutePath);
            for (var attempt = 0; attempt < 120 && Directory.EnumerateFiles(instance.Data.VaultDirectory).Any(); attempt++)
            {
                await Task.Delay(250);
            }

            Assert.Empty(Directory.EnumerateFiles(instance.Data.VaultDirectory));
            await page.GotoAsync("/");
            Assert.Contains("No submissions yet.", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        }
        finally
        {
            await worker.StopAsync();
        }
    }
}

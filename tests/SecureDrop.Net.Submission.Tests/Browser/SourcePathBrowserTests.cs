using Microsoft.Playwright;
using SecureDrop.Net.Submission.Tests.Support;

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

    [Fact]
    public async Task KoreanSource_GetsAKoreanCodename_ComesBackTypingItAnotherWay_AndEnglishCodenamesWorkOnTheKoreanPage_WithJavaScriptOff()
    {
        await using var host = await FrontEndHost.StartAsync();
        await using var context = await _chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            JavaScriptEnabled = false,
            BaseURL = host.Address.ToString(),
            Locale = "ko-KR",
        });
        var page = await context.NewPageAsync();

        // An English source first, on the English page, to sign in later on the Korean one.
        await page.GotoAsync("/?lang=en");
        await page.ClickAsync("#start");
        var english = (await page.InnerTextAsync("#codename")).Trim();
        await page.ClickAsync("#continue");
        await page.ClickAsync("#logout");

        await page.GotoAsync("/?lang=ko");
        Assert.Contains("기자가 보내신 내용을", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        await page.ClickAsync("#start");
        var korean = (await page.InnerTextAsync("#codename")).Trim();
        var words = korean.Split(' ');
        Assert.Equal(9, words.Length);
        Assert.All(words, word => Assert.All(word, c => Assert.InRange(c, '\uAC00', '\uD7A3')));
        Assert.Equal("ko", await page.GetAttributeAsync("#codename", "lang"));
        await page.ClickAsync("#continue");
        await page.FillAsync("#message", "북쪽 공장의 문서입니다");
        await page.SetInputFilesAsync("#files", new FilePayload { Name = "문서.pdf", MimeType = "application/pdf", Buffer = new byte[79] });
        await page.ClickAsync("#submit");
        var received = await page.InnerTextAsync("#received");
        Assert.StartsWith("메시지(32바이트)와 파일 1개(79바이트)를 받았습니다.", received, StringComparison.Ordinal);
        await page.ClickAsync("#read-replies");
        Assert.Equal("기자의 답장", (await page.InnerTextAsync("h1")).Trim());
        Assert.DoesNotContain("다시 오신", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        await page.ClickAsync("#logout");

        var sourceId = await host.ScalarAsync<string>("SELECT s.id FROM sources s JOIN submissions m ON m.source_id = s.id WHERE m.number = 1");
        await Testing.Seed.ReplyAsync(host.Instance.Database, sourceId, "잘 받았습니다. 날짜를 알려 주세요.");

        // Typed back as an input method that sends jamo (NFD) would, with doubled and ideographic spaces.
        await page.GotoAsync("/login?lang=ko");
        Assert.Equal("text", await page.GetAttributeAsync("#codename", "type"));
        Assert.Equal("off", await page.GetAttributeAsync("#codename", "autocomplete"));
        var typed = "  " + string.Join(" \u3000", words).Normalize(System.Text.NormalizationForm.FormD) + " ";
        Assert.NotEqual(korean, typed.Trim());
        await page.FillAsync("#codename", typed);
        await page.ClickAsync("#login");
        Assert.EndsWith("/lookup?lang=ko", page.Url, StringComparison.Ordinal);
        Assert.Contains("잘 받았습니다. 날짜를 알려 주세요.", await page.InnerTextAsync("#replies"), StringComparison.Ordinal);
        await page.ClickAsync("#logout");

        // A misspelt word is named; hiding what is typed is a plain link.
        await page.GotoAsync("/login?lang=ko");
        await page.FillAsync("#codename", string.Join(' ', words[..8]) + " 없는말");
        await page.ClickAsync("#login");
        Assert.Contains("9번째 단어(‘없는말’)는 어느 코드네임 단어 목록에도 없습니다", await page.InnerTextAsync("#login-error"), StringComparison.Ordinal);
        await page.ClickAsync("#toggle-visibility");
        Assert.Equal("password", await page.GetAttributeAsync("#codename", "type"));

        // The English codename on the Korean page, in capitals.
        await page.FillAsync("#codename", english.ToUpperInvariant());
        await page.ClickAsync("#login");
        Assert.EndsWith("/lookup?lang=ko", page.Url, StringComparison.Ordinal);
        Assert.Equal(2, await host.CountAsync("sources"));
        Assert.Equal(1, await host.CountAsync("submissions"));
    }
}

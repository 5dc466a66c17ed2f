using Microsoft.Playwright;
using SecureDrop.Net.Submission.Tests.Support;

namespace SecureDrop.Net.Submission.Tests.Browser;

/// <summary>
/// axe-core (from npm, see ops/dev/install-test-dependencies.sh) on every page of the source path, in English and
/// Korean: no serious or critical violation. Script runs only in this test's context, which bypasses the CSP
/// to inject axe; the pages themselves send none.
/// </summary>
public sealed class AccessibilityTests : IClassFixture<ChromiumFixture>
{
    private const string SeriousViolations = """
        async () => {
            const result = await axe.run(document, { resultTypes: ['violations'] });
            return result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map(n => n.target.join(' ')).join(', ')}`);
        }
        """;

    private readonly ChromiumFixture _chromium;

    public AccessibilityTests(ChromiumFixture chromium)
    {
        _chromium = chromium;
    }

    /// <summary>Desktop and a phone (390 CSS pixels wide, as an iPhone 12-15 shows a page).</summary>
    private static readonly (string Name, int Width, int Height)[] Widths = [("desktop", 1280, 900), ("phone", 390, 844)];

    [Theory]
    [InlineData("en")]
    [InlineData("ko")]
    public async Task EveryPage_HasNoSeriousOrCriticalAxeViolation_AtDesktopAndPhoneWidths(string language)
    {
        var axe = await File.ReadAllTextAsync(AxeCore.Path());
        await using var host = await FrontEndHost.StartAsync();
        var violations = new List<string>();
        foreach (var (width, x, y) in Widths)
        {
            await using var context = await _chromium.Browser.NewContextAsync(new BrowserNewContextOptions
            {
                BaseURL = host.Address.ToString(),
                BypassCSP = true,
                ViewportSize = new ViewportSize { Width = x, Height = y },
            });
            var page = await context.NewPageAsync();
            var step = 0;
            async Task CheckAsync(string name)
            {
                // The picture first: axe's script must not be in it.
                await Screenshots.SaveAsync(page, "source", $"{language}-{width}-{++step:00}-{name.Replace(' ', '-')}");
                await page.AddScriptTagAsync(new PageAddScriptTagOptions { Content = axe });
                violations.AddRange((await page.EvaluateAsync<string[]>(SeriousViolations)).Select(v => $"{name} ({language}, {width}): {v}"));
            }

            await page.GotoAsync($"/?lang={language}");
            await CheckAsync("landing");
            await page.GotoAsync($"/login?lang={language}");
            await CheckAsync("login");
            await page.FillAsync("#codename", "not a codename");
            await page.ClickAsync("#login");
            await CheckAsync("login error");
            await page.ClickAsync("#toggle-visibility");
            await CheckAsync("login hidden");
            await page.GotoAsync($"/generate?lang={language}");
            await CheckAsync("codename");
            await page.ClickAsync("#continue");
            await CheckAsync("submit");
            await page.FillAsync("#message", "Accessibility check");
            await page.SetInputFilesAsync("#files", new FilePayload { Name = "notes.txt", MimeType = "text/plain", Buffer = new byte[2500] });
            await page.ClickAsync("#submit");
            await CheckAsync("received");
            await page.ClickAsync("#submit");
            await CheckAsync("submit error");
            await page.GotoAsync($"/lookup?lang={language}");
            await CheckAsync("lookup first visit");
            var sourceId = await host.ScalarAsync<string>("SELECT id FROM sources WHERE id NOT IN (SELECT source_id FROM replies)");
            await Testing.Seed.ReplyAsync(host.Instance.Database, sourceId, language == "ko" ? "보내 주셔서 감사합니다. 문서의 날짜를 알려 주실 수 있나요?" : "Thank you. Can you tell us the date on the document?");
            await page.GotoAsync($"/lookup?lang={language}");
            await CheckAsync("lookup with a reply");
            await page.ClickAsync("#replies button");
            await CheckAsync("lookup after deleting");
            await page.ClickAsync("#logout");
            await CheckAsync("signed out");
            // Error statuses are answered as plain text by the shared web plumbing (Core/Web/PlainErrors): a picture
            // for the reviewer, but no HTML page for axe to check.
            await page.GotoAsync($"/no-such-page?lang={language}");
            await Screenshots.SaveAsync(page, "source", $"{language}-{width}-{++step:00}-not-found-plain-text");
        }

        Assert.Empty(violations);
    }
}

/// <summary>Finds axe.min.js: $SDNET_AXE_CORE, or .tools/node_modules/axe-core in the repository.</summary>
internal static class AxeCore
{
    public static string Path()
    {
        var configured = Environment.GetEnvironmentVariable("SDNET_AXE_CORE");
        if (!string.IsNullOrEmpty(configured) && File.Exists(configured))
        {
            return configured;
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = System.IO.Path.Combine(directory.FullName, ".tools", "node_modules", "axe-core", "axe.min.js");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            "axe-core is missing. Install it with ops/dev/install-test-dependencies.sh (npm install --prefix .tools axe-core@4), or set SDNET_AXE_CORE to axe.min.js.");
    }
}

using Microsoft.Playwright;
using SecureDrop.Net.Submission.Tests.Support;
using SecureDrop.Net.Testing;

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

    [Theory]
    [InlineData("en")]
    [InlineData("ko")]
    public async Task EveryPage_HasNoSeriousOrCriticalAxeViolation(string language)
    {
        var axe = await File.ReadAllTextAsync(AxeCore.Path());
        await using var host = await FrontEndHost.StartAsync();
        await using var context = await _chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = host.Address.ToString(),
            BypassCSP = true,
        });
        var page = await context.NewPageAsync();
        var violations = new List<string>();
        async Task CheckAsync(string name)
        {
            await page.AddScriptTagAsync(new PageAddScriptTagOptions { Content = axe });
            violations.AddRange((await page.EvaluateAsync<string[]>(SeriousViolations)).Select(v => $"{name} ({language}): {v}"));
        }

        await page.GotoAsync($"/?lang={language}");
        await CheckAsync("landing");
        await page.GotoAsync($"/login?lang={language}");
        await CheckAsync("login");
        await page.FillAsync("#codename", "not a codename");
        await page.ClickAsync("#login");
        await CheckAsync("login error");
        await page.GotoAsync($"/generate?lang={language}");
        await CheckAsync("codename");
        await page.ClickAsync("#continue");
        await CheckAsync("submit");
        await page.FillAsync("#message", "Accessibility check");
        await page.ClickAsync("#submit");
        await CheckAsync("received");
        await page.ClickAsync("#submit");
        await CheckAsync("submit error");
        var sourceId = await host.ScalarAsync<string>("SELECT id FROM sources");
        await Testing.Seed.ReplyAsync(host.Instance.Database, sourceId, "A reply to check");
        await page.GotoAsync($"/lookup?lang={language}");
        await CheckAsync("lookup with a reply");
        await page.ClickAsync("#replies button");
        await CheckAsync("lookup after deleting");
        await page.ClickAsync("#logout");
        await CheckAsync("signed out");

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

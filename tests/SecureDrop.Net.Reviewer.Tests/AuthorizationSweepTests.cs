using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;

namespace SecureDrop.Net.Reviewer.Tests;

/// <summary>
/// Every console page and endpoint the app maps, swept: anonymous users are sent to sign in, journalists cannot
/// open admin pages, and every form the console renders refuses a POST without its antiforgery token. (The JSON
/// API has its own sweep in <see cref="ApiTests"/>; disabled accounts and stolen cookies are in
/// AdminJournalistsTests and ConsoleTests.)
/// </summary>
public sealed partial class AuthorizationSweepTests : ConsoleTestBase
{
    private static readonly string[] Public = ["/login", "/logout", "/style.css"];

    [Fact]
    public async Task EveryConsoleRoute_SendsAnonymousUsersToSignIn()
    {
        var routes = ConsoleRoutes("0123456789abcdef0123456789abcdef").ToList();
        Assert.True(routes.Count >= 10, "every page and download route is swept");
        using var anonymous = new JournalistClient(App.Address);
        foreach (var path in routes.Append("/admin/jobs"))
        {
            foreach (var method in new[] { HttpMethod.Get, HttpMethod.Post })
            {
                using var request = new HttpRequestMessage(method, path) { Content = method == HttpMethod.Post ? new FormUrlEncodedContent([]) : null };
                using var response = await anonymous.Http.SendAsync(request);
                var landed = response.RequestMessage?.RequestUri?.AbsolutePath;
                Assert.True(landed == "/login" || response.StatusCode == HttpStatusCode.BadRequest,
                    $"{method} {path}: anonymous got {(int)response.StatusCode} at {landed}");
                Assert.DoesNotContain("Signed in as", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Journalist_CannotOpenAnyAdminPage()
    {
        using var admin = await SignedInAsync();
        using var journalist = await SignedInJournalistAsync(admin, "sweeper");

        var adminRoutes = ConsoleRoutes("0123456789abcdef0123456789abcdef").Where(path => path.StartsWith("/admin/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(adminRoutes);
        foreach (var path in adminRoutes)
        {
            using var response = await journalist.Http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.True(response.RequestMessage?.RequestUri?.AbsolutePath != path || response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound,
                $"journalist opened {path} ({(int)response.StatusCode})");
            using var admins = await admin.Http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, admins.StatusCode);
        }
    }

    [Fact]
    public async Task EveryFormTheConsoleRenders_RefusesAPostWithoutItsAntiforgeryToken()
    {
        var (sourceId, submissionId) = await Seed.SubmissionAsync(Instance, "sweep", ("sweep.txt", [1]));
        using var admin = await SignedInAsync();
        var pages = new[] { "/", $"/sources/{sourceId}", $"/sources/{sourceId}/delete", $"/submissions/{submissionId}/delete", "/admin/journalists", "/admin/settings", "/admin/audit", "/account/notifications", "/reauthenticate" };
        var actions = new HashSet<string>(StringComparer.Ordinal);
        foreach (var page in pages)
        {
            var html = await admin.Http.GetStringAsync(new Uri(page, UriKind.Relative));
            foreach (Match form in PostForm().Matches(html))
            {
                actions.Add(WebUtility.HtmlDecode(form.Groups[1].Value));
            }
        }

        Assert.True(actions.Count >= 12, $"found {actions.Count} forms");
        foreach (var action in actions)
        {
            using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["id"] = "0123456789abcdef0123456789abcdef", ["label"] = "x", ["read"] = "true", ["starred"] = "true", ["status"] = "closed", ["username"] = "x" });
            using var response = await admin.Http.PostAsync(new Uri(action, UriKind.Relative), form);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"POST {action} without a token gave {(int)response.StatusCode}");
        }

        var still = await admin.Http.GetStringAsync(new Uri($"/sources/{sourceId}", UriKind.Relative));
        Assert.Contains("sweep", still, StringComparison.Ordinal);
        Assert.DoesNotContain("★", still, StringComparison.Ordinal);
    }

    /// <summary>Every non-API route the console maps, with its parameters filled in.</summary>
    private IEnumerable<string> ConsoleRoutes(string id) =>
        App.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => "/" + (e.RoutePattern.RawText ?? "").TrimStart('/'))
            .Where(path => !path.StartsWith("/api/v1/", StringComparison.Ordinal) && !Public.Contains(path))
            .Select(path => RouteParameter().Replace(path, match => match.Groups[1].Value == "kind" ? "sources" : id))
            .Distinct(StringComparer.Ordinal);

    [GeneratedRegex("<form[^>]*method=\"post\"[^>]*action=\"([^\"]+)\"")]
    private static partial Regex PostForm();

    [GeneratedRegex(@"\{([a-z]+)(?::[^}]*\})?\}?")]
    private static partial Regex RouteParameter();
}

using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;

namespace SecureDrop.Net.Reviewer.Tests;

/// <summary>The JSON API: bearer tokens from passphrase + TOTP, the console's actions, and who may use what.</summary>
public sealed class ApiTests : FakeClockConsoleTestBase
{
    [Fact]
    public async Task EveryApiRoute_RefusesAnonymousCallers_AndTheConsoleCookie()
    {
        using var journalist = await SignedInAsync();
        using var anonymous = new HttpClient { BaseAddress = App.Address };
        var routes = ApiRoutes().ToList();
        Assert.True(routes.Count >= 15, "every API route is swept");

        foreach (var (method, path) in routes)
        {
            using var bare = new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) };
            using var refused = await anonymous.SendAsync(bare);
            Assert.True(refused.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} gave {refused.StatusCode} to an anonymous caller");

            using var withCookie = new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) };
            using var cookieOnly = await journalist.Http.SendAsync(withCookie);
            Assert.True(cookieOnly.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} accepted the console cookie ({cookieOnly.StatusCode})");

            using var forged = new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) };
            forged.Headers.Authorization = new AuthenticationHeaderValue("Bearer", new string('a', 64));
            using var forgedResponse = await anonymous.SendAsync(forged);
            Assert.True(forgedResponse.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} accepted a made-up token");
        }
    }

    [Fact]
    public async Task Token_WorksForTheConsolesActions_ThenExpiresAfterFifteenMinutes()
    {
        var (sourceId, _) = await Seed.SubmissionAsync(Instance, "api message", ("api.txt", "file text"u8.ToArray()));
        using var admin = await SignedInAsync();
        using var api = await TokenClientAsync(admin, Instance.Secrets.AdminUsername, Instance.Secrets.AdminPassphrase);

        var list = await api.GetFromJsonAsync<JsonElement>("/api/v1/sources");
        Assert.Equal(sourceId, list.GetProperty("sources")[0].GetProperty("id").GetString());
        var conversation = await api.GetFromJsonAsync<JsonElement>($"/api/v1/sources/{sourceId}");
        var items = conversation.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal("api message", items[0].GetProperty("text").GetString());
        Assert.Equal("api.txt", items[1].GetProperty("fileName").GetString());
        var fileId = items[1].GetProperty("id").GetString();
        Assert.Equal("file text", await api.GetStringAsync(new Uri($"/api/v1/items/{fileId}/download", UriKind.Relative)));
        using (var star = await api.PostAsJsonAsync($"/api/v1/sources/{sourceId}/star", new { starred = true }))
        using (var label = await api.PostAsJsonAsync($"/api/v1/sources/{sourceId}/labels", new { label = "Desk A" }))
        using (var status = await api.PostAsJsonAsync($"/api/v1/sources/{sourceId}/status", new { status = "closed" }))
        using (var badStatus = await api.PostAsJsonAsync($"/api/v1/sources/{sourceId}/status", new { status = "gone" }))
        {
            Assert.Equal(HttpStatusCode.NoContent, star.StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, label.StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, status.StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, badStatus.StatusCode);
        }

        var filtered = await api.GetFromJsonAsync<JsonElement>("/api/v1/sources?starred=true&label=desk%20a&status=closed");
        Assert.Equal(1, filtered.GetProperty("sources").GetArrayLength());

        FakeClock.Advance(TimeSpan.FromMinutes(16));
        using var expired = await api.GetAsync(new Uri("/api/v1/sources", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
    }

    [Fact]
    public async Task Journalist_CannotUseAdminRoutes_ButAdminCan()
    {
        using var admin = await SignedInAsync();
        var passphrase = await AddJournalistAsync(admin, "reporter");
        using var reporter = new JournalistClient(App.Address) { Clock = FakeClock };
        using (var login = await reporter.LoginAsync("reporter", passphrase))
        {
            Assert.Equal("/", login.RequestMessage?.RequestUri?.AbsolutePath);
        }

        using var reporterApi = await TokenClientAsync(reporter, "reporter", passphrase);
        using var adminApi = await TokenClientAsync(admin, Instance.Secrets.AdminUsername, Instance.Secrets.AdminPassphrase);
        foreach (var (method, path) in ApiRoutes().Where(route => route.Path.StartsWith("/api/v1/admin/", StringComparison.Ordinal)))
        {
            using var refused = await reporterApi.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            using var allowed = await adminApi.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }
    }

    [Fact]
    public async Task Token_NeedsACorrectUnusedCode_AndRevokingItEndsIt()
    {
        using var admin = await SignedInAsync();
        using var anonymous = new HttpClient { BaseAddress = App.Address };
        FakeClock.Advance(TimeSpan.FromSeconds(30));
        var code = admin.CurrentCode();
        using (var wrong = await anonymous.PostAsJsonAsync("/api/v1/tokens", new { username = "admin", passphrase = Instance.Secrets.AdminPassphrase, code = code == "000000" ? "111111" : "000000" }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using (var first = await anonymous.PostAsJsonAsync("/api/v1/tokens", new { username = "admin", passphrase = Instance.Secrets.AdminPassphrase, code }))
        using (var replay = await anonymous.PostAsJsonAsync("/api/v1/tokens", new { username = "admin", passphrase = Instance.Secrets.AdminPassphrase, code }))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
            var token = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
            anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using (var revoke = await anonymous.PostAsync(new Uri("/api/v1/tokens/current/revoke", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }

        using var after = await anonymous.GetAsync(new Uri("/api/v1/sources", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheApi_ForSignedInJournalistsOnly()
    {
        using var anonymous = new JournalistClient(App.Address);
        using (var refused = await anonymous.Http.GetAsync(new Uri("/api/v1/openapi.json", UriKind.Relative)))
        {
            Assert.Equal("/login", refused.RequestMessage?.RequestUri?.AbsolutePath);
        }

        using var journalist = await SignedInAsync();
        var document = await journalist.Http.GetFromJsonAsync<JsonElement>("/api/v1/openapi.json");
        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/sources", out _));
        Assert.True(paths.TryGetProperty("/api/v1/tokens", out _));
        Assert.True(paths.TryGetProperty("/api/v1/items/{id}/download", out _));
    }

    [Fact]
    public async Task OpenApiDocument_IsServedToATokenHolder_WithTheBearerSchemeAndResponses_AndOnlyApiRoutes()
    {
        using var journalist = await SignedInAsync();
        using var api = await TokenClientAsync(journalist, Instance.Secrets.AdminUsername, Instance.Secrets.AdminPassphrase);
        using (var forged = new HttpRequestMessage(HttpMethod.Get, "/api/v1/openapi.json"))
        {
            forged.Headers.Authorization = new AuthenticationHeaderValue("Bearer", new string('a', 64));
            using var refused = await new HttpClient { BaseAddress = App.Address }.SendAsync(forged);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using var response = await api.GetAsync(new Uri("/api/v1/openapi.json", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await response.Content.ReadFromJsonAsync<JsonElement>();

        var bearer = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal("http", bearer.GetProperty("type").GetString());
        Assert.Equal("bearer", bearer.GetProperty("scheme").GetString());
        var mapped = App.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => e.RoutePattern.RawText!).Where(p => p.StartsWith("/api/v1/", StringComparison.Ordinal)).Distinct();
        Assert.Equal(mapped.Order(StringComparer.Ordinal), document.GetProperty("paths").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

        var tokens = document.GetProperty("paths").GetProperty("/api/v1/tokens").GetProperty("post");
        Assert.False(tokens.TryGetProperty("security", out _), "the token exchange needs no token");
        Assert.Equal("#/components/schemas/TokenResponse", SchemaRef(tokens, "200"));
        Assert.True(tokens.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));

        var sources = document.GetProperty("paths").GetProperty("/api/v1/sources").GetProperty("get");
        Assert.Equal("Bearer", Assert.Single(sources.GetProperty("security").EnumerateArray()).EnumerateObject().Single().Name);
        Assert.Equal("#/components/schemas/SourcePageDto", SchemaRef(sources, "200"));
        Assert.True(sources.GetProperty("responses").TryGetProperty("401", out _));
        var journalists = document.GetProperty("paths").GetProperty("/api/v1/admin/journalists").GetProperty("get");
        Assert.True(journalists.GetProperty("responses").TryGetProperty("403", out _));
        var download = document.GetProperty("paths").GetProperty("/api/v1/items/{id}/download").GetProperty("get");
        Assert.True(download.GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty("application/octet-stream", out _));
    }

    private static string? SchemaRef(JsonElement operation, string status) =>
        operation.GetProperty("responses").GetProperty(status).GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString();

    /// <summary>Every API route the app maps (but the token exchange), with placeholders filled in.</summary>
    private IEnumerable<(string Method, string Path)> ApiRoutes() =>
        App.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1/", StringComparison.Ordinal) == true && e.RoutePattern.RawText != "/api/v1/tokens")
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(method => (method,
                e.RoutePattern.RawText!.Replace("{id}", "0123456789abcdef0123456789abcdef", StringComparison.Ordinal).Replace("{label}", "x", StringComparison.Ordinal))));

    private async Task<HttpClient> TokenClientAsync(JournalistClient signedIn, string username, string passphrase)
    {
        // The console sign-in used this step's code; an authenticator shows the next one 30 seconds later.
        FakeClock.Advance(TimeSpan.FromSeconds(30));
        var client = new HttpClient { BaseAddress = App.Address };
        using var response = await client.PostAsJsonAsync("/api/v1/tokens", new { username, passphrase, code = signedIn.CurrentCode() });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}

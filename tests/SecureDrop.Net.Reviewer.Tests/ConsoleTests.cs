namespace SecureDrop.Net.Reviewer.Tests;

/// <summary>The console on real Kestrel against a real instance: sign-in, reading, downloads, authorisation.</summary>
public sealed class ConsoleTests : ConsoleTestBase
{


    [Fact]
    public async Task SignedInAdmin_ReadsMessageAndDownloadsFileUnderOriginalName()
    {
        var file = Encoding.UTF8.GetBytes("<script>alert(1)</script> file body");
        var (sourceId, _) = await Seed.SubmissionAsync(Instance, "Message with <b>markup</b> & ampersand", ("report <1>.txt", file));
        using var journalist = await SignedInAsync();

        var list = await journalist.Http.GetStringAsync(new Uri("/", UriKind.Relative));
        Assert.Contains($"/sources/{sourceId}", list, StringComparison.Ordinal);
        var page = await journalist.Http.GetStringAsync(new Uri($"/sources/{sourceId}", UriKind.Relative));
        Assert.Contains("Message with &lt;b&gt;markup&lt;/b&gt; &amp; ampersand", page, StringComparison.Ordinal);
        var link = Assert.Single(HtmlForms.Links(page, "/items/"), l => l.EndsWith("/download", StringComparison.Ordinal));

        using var download = await journalist.Http.GetAsync(new Uri(link, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/octet-stream", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("report <1>.txt", download.Content.Headers.ContentDisposition?.FileNameStar);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.True(download.Headers.CacheControl?.NoStore);
        Assert.Equal(file, await download.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/sources/0123456789abcdef0123456789abcdef")]
    [InlineData("/items/0123456789abcdef0123456789abcdef/download")]
    public async Task Anonymous_IsSentToSignIn(string path)
    {
        using var anonymous = new JournalistClient(App.Address);
        using var response = await anonymous.Http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal("/login", response.RequestMessage?.RequestUri?.AbsolutePath);
    }

    [Theory]
    [InlineData("admin", "wrong wrong wrong wrong wrong wrong wrong")]
    [InlineData("nobody", "wrong wrong wrong wrong wrong wrong wrong")]
    public async Task SignIn_WithWrongCredentials_Returns400AndSetsNoSession(string username, string passphrase)
    {
        using var journalist = new JournalistClient(App.Address);
        using var response = await journalist.LoginAsync(username, passphrase);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Unknown user name or wrong passphrase", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(journalist.Cookies.GetAllCookies(), cookie => cookie.Name == "sdnet-console");
    }

    [Fact]
    public async Task SignIn_WithoutAntiforgeryToken_Returns400()
    {
        using var journalist = new JournalistClient(App.Address);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "admin", ["passphrase"] = Instance.Secrets.AdminPassphrase });
        using var response = await journalist.Http.PostAsync(new Uri("/login", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task StolenCookie_StopsWorkingAfterLogout()
    {
        using var journalist = await SignedInAsync();
        var stolen = journalist.Cookies.GetCookies(App.Address)["sdnet-console"]!.Value;

        using (var logout = await journalist.LogoutAsync())
        {
            Assert.Equal("/login", logout.RequestMessage?.RequestUri?.AbsolutePath);
        }

        using var thief = new JournalistClient(App.Address);
        thief.Cookies.Add(App.Address, new Cookie("sdnet-console", stolen));
        using var response = await thief.Http.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal("/login", response.RequestMessage?.RequestUri?.AbsolutePath);
    }

}

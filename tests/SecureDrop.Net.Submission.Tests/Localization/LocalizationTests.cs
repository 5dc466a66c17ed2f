using System.Collections;
using System.Globalization;
using System.Resources;
using SecureDrop.Net.Submission.Tests.Support;

namespace SecureDrop.Net.Submission.Tests.Localization;

/// <summary>English and Korean, by Accept-Language or by a ?lang= value carried on links and forms; no culture cookie.</summary>
public sealed class LocalizationTests : IAsyncLifetime
{
    private FrontEndHost _host = null!;

    public async Task InitializeAsync() => _host = await FrontEndHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task AcceptLanguageKorean_ServesKoreanPages()
    {
        using var client = new SourceClient(_host.Address);
        client.Http.DefaultRequestHeaders.AcceptLanguage.ParseAdd("ko-KR,ko;q=0.9");

        var landing = await client.Http.GetStringAsync(new Uri("/", UriKind.Relative));

        Assert.Contains("<html lang=\"ko\">", landing, StringComparison.Ordinal);
        Assert.Contains("안전하게 제보하기", landing, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LangQuery_OverridesAcceptLanguage_AndIsCarriedOnLinksFormsAndRedirects()
    {
        using var client = new RecordingClient(_host.Address);
        client.Http.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");

        var landing = await client.GetStringAsync("/?lang=ko");
        var generate = await client.GetStringAsync("/generate?lang=ko");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["ticket"] = HtmlForms.HiddenValue(generate, "ticket"),
            ["__RequestVerificationToken"] = HtmlForms.AntiforgeryToken(generate),
        });
        var submit = await client.SendAsync(HttpMethod.Post, "/generate?lang=ko", form);
        var submitPage = await submit.Content.ReadAsStringAsync();

        Assert.Contains("href=\"/generate?lang=ko\"", landing, StringComparison.Ordinal);
        Assert.Contains("action=\"/generate?lang=ko\"", generate, StringComparison.Ordinal);
        Assert.Equal("/submit?lang=ko", submit.RequestMessage?.RequestUri?.PathAndQuery);
        Assert.Contains("action=\"/submit?lang=ko\"", submitPage, StringComparison.Ordinal);
        Assert.Contains("메시지", submitPage, StringComparison.Ordinal);
        Assert.DoesNotContain(client.Responses, r => r.Response.Headers.TryGetValues("Set-Cookie", out var c) && c.Any(v => v.Contains("Culture", StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public async Task LangEnglish_OverridesKoreanBrowser()
    {
        using var client = new SourceClient(_host.Address);
        client.Http.DefaultRequestHeaders.AcceptLanguage.ParseAdd("ko");

        var page = await client.Http.GetStringAsync(new Uri("/login?lang=en", UriKind.Relative));

        Assert.Contains("Return with your codename", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/generate")]
    [InlineData("/login")]
    public async Task EveryPage_LinksToBothLanguages(string path)
    {
        using var client = new SourceClient(_host.Address);

        var page = await client.Http.GetStringAsync(new Uri(path, UriKind.Relative));

        Assert.Contains($"{path}?lang=ko", HtmlForms.Links(page, path + "?lang=ko"));
        Assert.Contains("hreflang=\"en\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorPages_AreInTheRequestsLanguage()
    {
        using var client = new SourceClient(_host.Address);

        using var response = await client.Http.GetAsync(new Uri("/no-such-page?lang=ko", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("페이지가 없습니다", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public void KoreanResources_TranslateEveryEnglishString()
    {
        var resources = new ResourceManager("SecureDrop.Net.Submission.Resources.SharedResource", typeof(SubmissionApp).Assembly);
        var english = Strings(resources.GetResourceSet(CultureInfo.InvariantCulture, true, false)!);
        var korean = Strings(resources.GetResourceSet(new CultureInfo("ko"), true, false)!);

        Assert.True(english.Count > 50, $"only {english.Count} strings");
        Assert.Equal(english.Keys.Order(), korean.Keys.Order());
        Assert.All(korean, k => Assert.False(string.IsNullOrWhiteSpace(k.Value), k.Key));
        Assert.All(english.Where(e => e.Value.Contains("{0}", StringComparison.Ordinal)), e => Assert.Contains("{0}", korean[e.Key], StringComparison.Ordinal));
    }

    private static Dictionary<string, string> Strings(ResourceSet set) =>
        set.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string)e.Value!);
}

using System.Net;

namespace SecureDrop.Net.Testing;

/// <summary>A journalist's browser on the console, driven through its plain HTML forms.</summary>
public sealed class JournalistClient : IDisposable
{
    public JournalistClient(Uri baseAddress)
    {
        Cookies = new CookieContainer();
        Http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = true })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromMinutes(5),
        };
    }

    public HttpClient Http { get; }

    public CookieContainer Cookies { get; }

    public async Task<HttpResponseMessage> LoginAsync(string username, string passphrase)
    {
        var page = await Http.GetStringAsync(new Uri("/login", UriKind.Relative));
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = username,
            ["passphrase"] = passphrase,
            ["__RequestVerificationToken"] = HtmlForms.AntiforgeryToken(page),
        });
        return await Http.PostAsync(new Uri("/login", UriKind.Relative), form);
    }

    public async Task<HttpResponseMessage> LogoutAsync()
    {
        var page = await Http.GetStringAsync(new Uri("/", UriKind.Relative));
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = HtmlForms.AntiforgeryToken(page),
        });
        return await Http.PostAsync(new Uri("/logout", UriKind.Relative), form);
    }

    /// <summary>Polls the sources list until a source link appears (the worker has ingested something).</summary>
    public async Task<IReadOnlyList<string>> WaitForSourcesAsync(int count, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var page = await Http.GetStringAsync(new Uri("/", UriKind.Relative));
            var links = HtmlForms.Links(page, "/sources/");
            if (links.Count >= count || clock.Elapsed > timeout)
            {
                return links;
            }

            await Task.Delay(250);
        }
    }

    public void Dispose() => Http.Dispose();
}

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

    /// <summary>The authenticator key this client enrolled (base32), to compute codes as an authenticator app would.</summary>
    public string? TotpSecret { get; set; }

    /// <summary>Signs in with passphrase and, when the console asks, enrols or enters a TOTP code.</summary>
    public async Task<HttpResponseMessage> LoginAsync(string username, string passphrase)
    {
        var response = await PassphraseAsync(username, passphrase);
        if (response.RequestMessage?.RequestUri?.AbsolutePath != "/login/second-factor")
        {
            return response;
        }

        var page = await response.Content.ReadAsStringAsync();
        response.Dispose();
        if (page.Contains("id=\"totp-secret\"", StringComparison.Ordinal))
        {
            TotpSecret = HtmlForms.ElementText(page, "totp-secret").Replace(" ", "", StringComparison.Ordinal);
        }

        return await SecondFactorAsync(page, CurrentCode());
    }

    public async Task<HttpResponseMessage> PassphraseAsync(string username, string passphrase)
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

    public async Task<HttpResponseMessage> SecondFactorAsync(string page, string code)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["code"] = code,
            ["__RequestVerificationToken"] = HtmlForms.AntiforgeryToken(page),
        });
        return await Http.PostAsync(new Uri("/login/second-factor", UriKind.Relative), form);
    }

    /// <summary>The authenticator app's clock: the console's, when a test gives the console a fake one.</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>What the authenticator app shows now for the enrolled key.</summary>
    public string CurrentCode(TimeSpan? offset = null) =>
        Custody.Journalists.TotpCodes.Code(
            OtpNet.Base32Encoding.ToBytes(TotpSecret ?? throw new InvalidOperationException("No authenticator enrolled.")),
            Clock.GetUtcNow() + (offset ?? TimeSpan.Zero));

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

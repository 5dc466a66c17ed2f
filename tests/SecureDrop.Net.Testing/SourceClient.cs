using System.Net.Http.Headers;

namespace SecureDrop.Net.Testing;

/// <summary>
/// A source's browser with JavaScript off: it fetches each form, sends back exactly its fields (antiforgery token
/// included, first), and keeps cookies. Nothing else.
/// </summary>
public sealed class SourceClient : IDisposable
{
    public const string UserAgent = "Mozilla/5.0 (CanaryAgent-7f3a9c) Gecko/20100101 Firefox/128.0";

    public SourceClient(Uri baseAddress)
        : this(baseAddress, new SocketsHttpHandler())
    {
    }

    /// <summary>A source whose connections go through the given handler (e.g. one that binds a client address of its own).</summary>
    public SourceClient(Uri baseAddress, SocketsHttpHandler handler)
        : this(baseAddress, Cookie(handler), handler.CookieContainer)
    {
    }

    /// <summary>A source whose requests go through <paramref name="handler"/>, which keeps its cookies in <paramref name="cookies"/>.</summary>
    public SourceClient(Uri baseAddress, HttpMessageHandler handler, CookieContainer cookies)
    {
        Cookies = cookies;
        Http = new HttpClient(handler)
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromMinutes(5),
        };
        Http.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
    }

    public HttpClient Http { get; }

    public CookieContainer Cookies { get; }

    /// <summary>Gets a codename and continues, which creates the source and signs it in. Returns the codename.</summary>
    public async Task<string> GenerateAndContinueAsync()
    {
        var page = await Http.GetStringAsync(new Uri("/generate", UriKind.Relative));
        var codename = HtmlForms.ElementText(page, "codename");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["ticket"] = HtmlForms.HiddenValue(page, "ticket"),
            ["__RequestVerificationToken"] = HtmlForms.AntiforgeryToken(page),
        });
        using var response = await Http.PostAsync(new Uri("/generate", UriKind.Relative), form);
        response.EnsureSuccessStatusCode();
        return codename;
    }

    public async Task<HttpResponseMessage> LoginAsync(string codename)
    {
        var page = await Http.GetStringAsync(new Uri("/login", UriKind.Relative));
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["codename"] = codename,
            ["__RequestVerificationToken"] = HtmlForms.AntiforgeryToken(page),
        });
        return await Http.PostAsync(new Uri("/login", UriKind.Relative), form);
    }

    /// <summary>Fetches /submit for its token and posts a message and files as multipart/form-data.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string? message, params (string Name, byte[] Content)[] files)
    {
        var page = await Http.GetStringAsync(new Uri("/submit", UriKind.Relative));
        using var form = SubmissionForm(HtmlForms.AntiforgeryToken(page), message, files);
        return await Http.PostAsync(new Uri("/submit", UriKind.Relative), form);
    }

    /// <summary>The returning source's page: replies and the follow-up form.</summary>
    public Task<string> LookupAsync() => Http.GetStringAsync(new Uri("/lookup", UriKind.Relative));

    /// <summary>Posts the "delete this reply" form of <paramref name="replyId"/> with the token of <paramref name="lookupPage"/>.</summary>
    public async Task<HttpResponseMessage> DeleteReplyAsync(string lookupPage, string replyId)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["reply"] = replyId,
            ["__RequestVerificationToken"] = HtmlForms.AntiforgeryToken(lookupPage),
        });
        return await Http.PostAsync(new Uri("/lookup?handler=delete", UriKind.Relative), form);
    }

    /// <summary>Signs out with the form on /submit.</summary>
    public async Task LogoutAsync()
    {
        var page = await Http.GetStringAsync(new Uri("/submit", UriKind.Relative));
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = HtmlForms.AntiforgeryToken(page) });
        using var response = await Http.PostAsync(new Uri("/logout", UriKind.Relative), form);
        response.EnsureSuccessStatusCode();
    }

    public static MultipartFormDataContent SubmissionForm(string? token, string? message, params (string Name, byte[] Content)[] files)
    {
        var form = new MultipartFormDataContent();
        if (token is not null)
        {
            form.Add(new StringContent(token), "__RequestVerificationToken");
        }

        form.Add(new StringContent(message ?? ""), "message");
        foreach (var (name, content) in files)
        {
            var part = new ByteArrayContent(content);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "files", name);
        }

        return form;
    }

    public void Dispose() => Http.Dispose();

    private static SocketsHttpHandler Cookie(SocketsHttpHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        handler.CookieContainer = new CookieContainer();
        handler.UseCookies = true;
        handler.AllowAutoRedirect = true;
        return handler;
    }
}

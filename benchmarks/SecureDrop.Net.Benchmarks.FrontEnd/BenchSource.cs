using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace SecureDrop.Net.Benchmarks.FrontEnd;

/// <summary>A source with a session on the front end, posting forms exactly as a browser without JavaScript does.</summary>
internal sealed partial class BenchSource : IDisposable
{
    private readonly HttpClient _http;
    private string _token = "";

    public BenchSource(Uri address)
    {
        _http = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), MaxConnectionsPerServer = 1 })
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromMinutes(30),
        };
    }

    /// <summary>Gets a codename, continues (two Argon2id derivations and a reply key on the server), and keeps the /submit form's token.</summary>
    public async Task StartAsync()
    {
        var generate = await _http.GetStringAsync(new Uri("/generate", UriKind.Relative));
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Hidden(generate, "__RequestVerificationToken"),
            ["ticket"] = Hidden(generate, "ticket"),
        });
        using var continued = await _http.PostAsync(new Uri("/generate", UriKind.Relative), form);
        continued.EnsureSuccessStatusCode();
        _token = Hidden(await continued.Content.ReadAsStringAsync(), "__RequestVerificationToken");
    }

    /// <summary>As <see cref="StartAsync"/>, but false instead of an exception when the site answers "busy".</summary>
    public async Task<bool> TryStartAsync()
    {
        try
        {
            await StartAsync();
            return true;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>Posts a submission; the file, if any, is streamed from disk.</summary>
    public async Task<HttpStatusCode> SubmitAsync(string message, FileInfo? file = null)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(_token), "__RequestVerificationToken");
        form.Add(new StringContent(message), "message");
        if (file is not null)
        {
            // 1 MiB reads and sends: on two cores the client's own cost is taken from the server under test.
            var content = new StreamContent(file.OpenRead(), 1024 * 1024);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(content, "files", file.Name);
        }

        using var response = await _http.PostAsync(new Uri("/submit", UriKind.Relative), form);
        await response.Content.ReadAsByteArrayAsync();
        return response.StatusCode;
    }

    public void Dispose() => _http.Dispose();

    private static string Hidden(string html, string name)
    {
        var match = Regex.Match(html, $"name=\"{Regex.Escape(name)}\"[^>]*value=\"([^\"]*)\"");
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException($"No field {name}.");
    }
}

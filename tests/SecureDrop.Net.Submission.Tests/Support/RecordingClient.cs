using System.Collections.Concurrent;

namespace SecureDrop.Net.Submission.Tests.Support;

/// <summary>A source's browser that keeps every response it saw, redirects included, for header and cookie checks.</summary>
public sealed class RecordingClient : IDisposable
{
    private readonly Recorder _recorder;

    public RecordingClient(Uri address, bool acceptAnyCertificate = false)
    {
        Cookies = new CookieContainer();
        var inner = new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false };
        if (acceptAnyCertificate)
        {
            inner.ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator;
        }

        _recorder = new Recorder(inner);
        Http = new HttpClient(_recorder) { BaseAddress = address };
        Http.DefaultRequestHeaders.UserAgent.ParseAdd(SourceClient.UserAgent);
    }

    public HttpClient Http { get; }

    public CookieContainer Cookies { get; }

    public IReadOnlyList<(string Request, HttpResponseMessage Response)> Responses => [.. _recorder.Seen];

    /// <summary>Sends and follows redirects by hand, so each hop is recorded.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        var response = await Http.SendAsync(request);
        for (var hops = 0; hops < 5 && response.Headers.Location is { } location; hops++)
        {
            response = await Http.GetAsync(location);
        }

        return response;
    }

    public async Task<string> GetStringAsync(string path) => await (await SendAsync(HttpMethod.Get, path)).Content.ReadAsStringAsync();

    public void Dispose() => Http.Dispose();

    private sealed class Recorder(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        public ConcurrentQueue<(string, HttpResponseMessage)> Seen { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            Seen.Enqueue(($"{request.Method} {request.RequestUri?.PathAndQuery}", response));
            return response;
        }
    }
}

using System.Net.Sockets;

namespace SecureDrop.Net.EndToEnd.Tests.Tor;

/// <summary>
/// Clients of the private network's SOCKS port. tor isolates streams by SOCKS credentials (IsolateSOCKSAuth, on by
/// default): each <c>circuit</c> name below is its own Tor circuit to an onion service, as each Tor Browser site is.
/// </summary>
public static class TorClients
{
    /// <summary>An HTTP handler whose streams all go over the circuit named <paramref name="circuit"/>.</summary>
    public static SocketsHttpHandler Handler(TorNetwork network, string circuit, bool allowRedirects = true)
    {
        ArgumentNullException.ThrowIfNull(network);
        return new SocketsHttpHandler
        {
            Proxy = new WebProxy($"socks5://127.0.0.1:{network.SocksPort}") { Credentials = new NetworkCredential(circuit, "isolated") },
            UseProxy = true,
            AllowAutoRedirect = allowRedirects,
            ConnectTimeout = TimeSpan.FromSeconds(60),
        };
    }

    public static HttpClient Http(TorNetwork network, string circuit, Uri onion) =>
        new(Handler(network, circuit)) { BaseAddress = onion, Timeout = TimeSpan.FromSeconds(90) };

    /// <summary>A source whose every request goes over the circuit named <paramref name="circuit"/>, with Tor Browser's cookies.</summary>
    public static SourceClient Source(TorNetwork network, string circuit, Uri onion)
    {
        var cookies = new CookieContainer();
        return new SourceClient(onion, new OnionBrowserCookies(cookies, Handler(network, circuit, allowRedirects: false)), cookies);
    }

    /// <summary>
    /// Retries <paramref name="attempt"/> (each on a fresh circuit name, as a person pressing reload would) until it
    /// succeeds or the limit passes: an onion service takes a few seconds to publish after its tor starts.
    /// </summary>
    public static async Task<T> UntilReachableAsync<T>(Func<string, Task<T>> attempt, TimeSpan limit, string what)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Exception? last = null;
        for (var i = 0; clock.Elapsed < limit; i++)
        {
            try
            {
                return await attempt($"reach-{Guid.NewGuid():N}");
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or IOException or SocketException)
            {
                last = exception;
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(1 + i, 3)));
            }
        }

        throw new TimeoutException($"{what} was not reachable over the private Tor network within {limit.TotalSeconds:0} s: {last?.Message}", last);
    }

    /// <summary>
    /// Runs <paramref name="attempt"/> over <paramref name="circuit"/>, and over a new circuit (at most twice more) when
    /// tor could not build one to the onion service (its SOCKS reply "general failure"): a private network on a loaded
    /// machine sometimes fails a rendezvous, and Tor Browser then tries a new circuit too. Only for what stores nothing
    /// before its first answer: the failure comes before any HTTP is sent.
    /// </summary>
    public static async Task<T> OnNewCircuitIfTorFailsAsync<T>(string circuit, Func<string, Task<T>> attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        for (var retry = 0; ; retry++)
        {
            try
            {
                return await attempt(retry == 0 ? circuit : $"{circuit}-retry-{retry}");
            }
            catch (HttpRequestException exception) when (exception.HttpRequestError == HttpRequestError.ProxyTunnelError && retry < 2)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }

    /// <summary>
    /// Cookies as Tor Browser keeps them for an onion site: a .onion origin is a secure context, so Secure (and
    /// __Host-) cookies set over its plain HTTP are kept and sent back, which .NET's cookie jar does only for https.
    /// Redirects are followed here, so each hop carries the cookies.
    /// </summary>
    private sealed class OnionBrowserCookies(CookieContainer cookies, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            for (var hops = 0; ; hops++)
            {
                var jar = AsSecure(request.RequestUri!);
                request.Headers.Remove("Cookie");
                if (cookies.GetCookieHeader(jar) is { Length: > 0 } header)
                {
                    request.Headers.Add("Cookie", header);
                }

                var response = await base.SendAsync(request, cancellationToken);
                if (response.Headers.TryGetValues("Set-Cookie", out var set))
                {
                    foreach (var cookie in set)
                    {
                        cookies.SetCookies(jar, cookie);
                    }
                }

                if (hops == 5 || response.Headers.Location is not { } location || (int)response.StatusCode is < 300 or > 399)
                {
                    return response;
                }

                response.Dispose();
                request = new HttpRequestMessage(HttpMethod.Get, new Uri(request.RequestUri!, location));
            }
        }

        private static Uri AsSecure(Uri uri) => new UriBuilder(uri) { Scheme = Uri.UriSchemeHttps, Port = -1 }.Uri;
    }

    /// <summary>
    /// An HTTP client straight to an app's Unix socket, sending the circuit line tor would (for readiness checks of a
    /// front end with Submission:ProxyProtocol=tor, and of the console, which reads no line).
    /// </summary>
    public static HttpClient OverSocket(string socketPath, bool sendsCircuitLine) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
                var stream = new NetworkStream(socket, ownsSocket: true);
                if (sendsCircuitLine)
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes("PROXY TCP6 fc00:dead:beef:4dad::ffff:fffe ::1 65534 80\r\n"), cancellationToken);
                }

                return stream;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    {
        BaseAddress = new Uri("http://localhost"),
        Timeout = TimeSpan.FromSeconds(10),
    };
}

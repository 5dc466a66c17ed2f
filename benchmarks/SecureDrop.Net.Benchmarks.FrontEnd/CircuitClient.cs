using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace SecureDrop.Net.Benchmarks.FrontEnd;

/// <summary>
/// Emulated Tor circuits on loopback: with <paramref name="tor"/>, every connection begins with the PROXY line tor's
/// <c>HiddenServiceExportCircuitID haproxy</c> writes (the circuit's id in the low 32 bits of an address in
/// fc00:dead:beef:4dad::/64); without it (a front end that reads no circuit lines, such as main before issue 19),
/// connections start with HTTP and the circuit is only a name.
/// </summary>
internal sealed partial class CircuitClient(Uri address, bool tor, uint circuit)
{
    public Uri Address { get; } = address;

    public uint Circuit { get; } = circuit;

    public string Line => string.Create(CultureInfo.InvariantCulture, $"PROXY TCP6 fc00:dead:beef:4dad::{Circuit >> 16:x}:{Circuit & 0xffff:x} ::1 {Circuit & 0xffff} 80\r\n");

    /// <summary>A connection that has sent this circuit's line (if any) and nothing else.</summary>
    public async Task<NetworkStream> ConnectAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, Address.Port, cancellationToken);
            var stream = new NetworkStream(socket, ownsSocket: true);
            if (tor)
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(Line), cancellationToken);
            }

            return stream;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>An HTTP client whose every connection comes over this circuit, with its own cookies.</summary>
    public (HttpClient Http, CookieContainer Cookies) Client()
    {
        var cookies = new CookieContainer();
        var http = new HttpClient(new SocketsHttpHandler
        {
            CookieContainer = cookies,
            AllowAutoRedirect = true,
            ConnectCallback = async (_, cancellationToken) => await ConnectAsync(cancellationToken),
        })
        {
            BaseAddress = Address,
            Timeout = TimeSpan.FromMinutes(5),
        };
        return (http, cookies);
    }

    /// <summary>A new source (codename continued) on this circuit: its client, codename, cookie header and /submit token.</summary>
    public async Task<Session> StartSessionAsync()
    {
        var (http, cookies) = Client();
        var generate = await http.GetStringAsync(new Uri("/generate", UriKind.Relative));
        var codename = CodenamePattern().Match(generate).Groups[1].Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Hidden(generate, "__RequestVerificationToken"),
            ["ticket"] = Hidden(generate, "ticket"),
        });
        using var continued = await http.PostAsync(new Uri("/generate", UriKind.Relative), form);
        continued.EnsureSuccessStatusCode();
        var token = Hidden(await continued.Content.ReadAsStringAsync(), "__RequestVerificationToken");
        return new Session(http, WebUtility.HtmlDecode(codename).Trim(), cookies.GetCookieHeader(Address), token);
    }

    public static string Hidden(string html, string name)
    {
        var match = Regex.Match(html, $"name=\"{Regex.Escape(name)}\"[^>]*value=\"([^\"]*)\"");
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException($"No field {name}.");
    }

    [GeneratedRegex("id=\"codename\"[^>]*>([^<]*)<")]
    private static partial Regex CodenamePattern();
}

/// <summary>A signed-in source: its client (for forms), codename, cookies (for raw requests) and /submit token.</summary>
internal sealed record Session(HttpClient Http, string Codename, string Cookies, string SubmitToken);

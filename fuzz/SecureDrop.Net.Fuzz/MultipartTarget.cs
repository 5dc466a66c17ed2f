using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using SecureDrop.Net.Crypto;
using SecureDrop.Net.Custody.Setup;
using SecureDrop.Net.Submission;

namespace SecureDrop.Net.Fuzz;

/// <summary>
/// The streaming multipart ingress of /submit, end to end: a real front end on loopback over a throwaway instance,
/// one signed-in source; each input is the body after a valid antiforgery part (boundary XyZ). The answer must be a
/// 200 or a 4xx page, never a 5xx; after a refusal no new file may be left in intake/. Accepted items are erased
/// again so a long run stays bounded on disk.
/// </summary>
internal sealed partial class MultipartTarget : FuzzTarget
{
    private const string Boundary = "XyZ";
    private static readonly HashSet<HttpStatusCode> Expected =
        [HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.UnsupportedMediaType];

    private readonly string _root;
    private readonly string _intake;
    private readonly WebApplication _app;
    private readonly Uri _address;
    private HttpClient _http = null!;
    private string _token = "";

    public MultipartTarget()
    {
        _root = Path.Combine(Path.GetTempPath(), $"sdnet-fuzz-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_root);
        using var key = NewsroomSecretKey.Generate("Fuzz newsroom", TimeProvider.System.GetUtcNow());
        var secrets = InstanceInitializer.InitializeAsync(Path.Combine(_root, "data"), key, TimeProvider.System).GetAwaiter().GetResult();
        _intake = secrets.Data.IntakeDirectory;
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        _address = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        _app = SubmissionApp.Build(secrets.Data, _address.ToString(), new Dictionary<string, string?>
        {
            ["Submission:MaxSubmissionBytes"] = (1024 * 1024).ToString(CultureInfo.InvariantCulture),
            ["Submission:MaxFiles"] = "5",
            ["Submission:LoginsPerMinute"] = "100000",
            ["Submission:NewSourcesPerMinute"] = "100000",
        }, builder => builder.Logging.ClearProviders());
        _app.StartAsync().GetAwaiter().GetResult();
        SignIn();
    }

    public override string Name => "multipart";

    public override int MaxInputBytes => 256 * 1024;

    public override void Run(byte[] input)
    {
        var before = Directory.GetFiles(_intake).ToHashSet(StringComparer.Ordinal);
        var status = Post(input);
        if (status == HttpStatusCode.Forbidden)
        {
            SignIn();
            status = Post(input);
        }

        var added = Directory.GetFiles(_intake).Where(f => !before.Contains(f)).ToList();
        if (status is null)
        {
            // The server closed the connection mid-upload (it refused the body); it must have kept nothing.
            status = HttpStatusCode.BadRequest;
        }

        if (!Expected.Contains(status.Value))
        {
            throw new FuzzFinding($"/submit answered {(int)status.Value} to a malformed body.");
        }

        if (status != HttpStatusCode.OK && added.Count > 0)
        {
            throw new FuzzFinding($"/submit refused a body ({(int)status.Value}) but left {added.Count} file(s) in intake/.");
        }

        Outcome = $"status {(int)status.Value}, {added.Count} item(s)";
        added.ForEach(File.Delete);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _http.Dispose();
            _app.StopAsync().GetAwaiter().GetResult();
            ((IDisposable)_app).Dispose();
            Directory.Delete(_root, recursive: true);
        }

        base.Dispose(disposing);
    }

    private HttpStatusCode? Post(byte[] input)
    {
        var head = System.Text.Encoding.ASCII.GetBytes(
            $"--{Boundary}\r\nContent-Disposition: form-data; name=\"__RequestVerificationToken\"\r\n\r\n{_token}\r\n");
        using var content = new ByteArrayContent([.. head, .. input]);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={Boundary}");
        try
        {
            using var response = _http.PostAsync(new Uri("/submit", UriKind.Relative), content).GetAwaiter().GetResult();
            _ = response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private void SignIn()
    {
        _http?.Dispose();
        _http = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer() }) { BaseAddress = _address, Timeout = TimeSpan.FromSeconds(60) };
        var generate = _http.GetStringAsync(new Uri("/generate", UriKind.Relative)).GetAwaiter().GetResult();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Hidden(generate, "__RequestVerificationToken"),
            ["ticket"] = Hidden(generate, "ticket"),
        });
        using var continued = _http.PostAsync(new Uri("/generate", UriKind.Relative), form).GetAwaiter().GetResult();
        continued.EnsureSuccessStatusCode();
        _token = Hidden(continued.Content.ReadAsStringAsync().GetAwaiter().GetResult(), "__RequestVerificationToken");
    }

    private static string Hidden(string html, string name)
    {
        var match = Regex.Match(html, $"name=\"{Regex.Escape(name)}\"[^>]*value=\"([^\"]*)\"");
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException($"No field {name}.");
    }
}

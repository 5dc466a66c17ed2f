using System.Text.RegularExpressions;

namespace SecureDrop.Net.EndToEnd.Tests.Tor;

/// <summary>
/// One instance published on the private Tor network as production publishes it, shared by the Tor tests: the
/// front end (Submission:ProxyProtocol=tor) and the console as real <c>sdnet serve</c> processes on Unix sockets, and
/// a tor running the torrc <c>sdnet tor torrc</c> prints (front end with proof-of-work defence and circuit-id export,
/// console with client authorisation, its first device added with <c>sdnet journalist onion-auth add</c> before tor
/// first publishes it). The front end's limits are small, so a flood from one circuit would fill the site if admission
/// were not per circuit.
/// </summary>
public sealed partial class OnionSite : IAsyncDisposable
{
    /// <summary>Submission settings of the shared front end: few upload slots and one Argon2id derivation at a time.</summary>
    public static readonly IReadOnlyDictionary<string, string> FrontEndSettings = new Dictionary<string, string>
    {
        ["Submission__ProxyProtocol"] = "tor",
        ["Submission__MaxConcurrentUploads"] = "6",
        ["Submission__UploadsPerCircuit"] = "2",
        ["Submission__MaxConcurrentKeyDerivations"] = "1",
        ["Submission__KeyDerivationWaitSeconds"] = "60",
        ["Submission__MinRequestBodyBytesPerSecond"] = "64",
    };

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static OnionSite? _shared;

    private OnionSite(TorNetwork network, TestInstance instance, string services)
    {
        Network = network;
        Instance = instance;
        ServicesDirectory = services;
    }

    public TorNetwork Network { get; }

    public TestInstance Instance { get; }

    /// <summary>The directory that holds both HiddenServiceDirs (sdnet-frontend/, sdnet-console/).</summary>
    public string ServicesDirectory { get; }

    public string ConsoleServiceDirectory => Path.Combine(ServicesDirectory, "sdnet-console");

    public Uri FrontEnd { get; private set; } = null!;

    /// <summary>The front end's Unix socket (what tor connects to).</summary>
    public string FrontEndSocket { get; private set; } = "";

    /// <summary>
    /// The same front end served with TLS on the same onion address (port 443, a self-signed certificate), for
    /// chromium: it keeps __Host- cookies only from a cryptographic scheme, where Tor Browser, which counts every .onion
    /// origin as secure, keeps them over the onion's plain HTTP too.
    /// </summary>
    public Uri FrontEndTls { get; private set; } = null!;

    public SdnetProcess FrontEndTlsProcess { get; private set; } = null!;

    public Uri Console { get; private set; } = null!;

    /// <summary>The line the first journalist device ("admin", "laptop") pastes into Tor Browser.</summary>
    public string LaptopKeyLine { get; private set; } = "";

    public TorProcess Host { get; private set; } = null!;

    public SdnetProcess FrontEndProcess { get; private set; } = null!;

    public SdnetProcess ConsoleProcess { get; private set; } = null!;

    /// <summary>The run's one site (made on first use; the network's collection disposes of it with the network).</summary>
    public static async Task<OnionSite> OfAsync(TorNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        await Gate.WaitAsync();
        try
        {
            if (_shared is null || _shared.Network != network)
            {
                _shared = await StartAsync(network);
                network.DisposeWith(_shared);
            }

            return _shared;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Waits until the front end answers through its onion address again (after the host tor restarts).</summary>
    public Task WaitUntilPublishedAsync() =>
        TorClients.UntilReachableAsync(async circuit =>
        {
            using var http = TorClients.Http(Network, circuit, FrontEnd);
            using var response = await http.GetAsync(new Uri("/", UriKind.Relative));
            return response.EnsureSuccessStatusCode();
        }, TimeSpan.FromSeconds(90), "The front end's onion service");

    public async ValueTask DisposeAsync()
    {
        await FrontEndProcess.DisposeAsync();
        await FrontEndTlsProcess.DisposeAsync();
        await ConsoleProcess.DisposeAsync();
        await Host.DisposeAsync();
        Instance.Dispose();
    }

    private static async Task<OnionSite> StartAsync(TorNetwork network)
    {
        var instance = await TestInstance.CreateAsync();
        var site = new OnionSite(network, instance, network.NewDirectory("services"));
        var sockets = network.NewDirectory("sockets");
        var frontEndSocket = site.FrontEndSocket = Path.Combine(sockets, "frontend.sock");
        var consoleSocket = Path.Combine(sockets, "console.sock");
        var (code, torrc) = await SdnetProcess.RunAsync(["tor", "torrc", "--data", instance.Data.Root, "--tor-dir", site.ServicesDirectory,
            "--frontend", "http://unix:" + frontEndSocket, "--console", "http://unix:" + consoleSocket]);
        Assert.True(code == 0, torrc);
        var frontEndTlsSocket = Path.Combine(sockets, "frontend-tls.sock");
        torrc = torrc.Replace($"HiddenServicePort 80 unix:{frontEndSocket}\n", $"HiddenServicePort 80 unix:{frontEndSocket}\nHiddenServicePort 443 unix:{frontEndTlsSocket}\n", StringComparison.Ordinal);

        // tor makes the services' keys and hostnames as it starts; the first device is added before the console's
        // descriptor is ever published, so no client ever sees the console without client authorisation.
        site.Host = network.StartOnionServiceHost("services", torrc.Split('\n'));
        await WaitForFileAsync(Path.Combine(site.ConsoleServiceDirectory, "hostname"), site.Host);
        await site.Host.StopAsync();
        var (added, addOutput) = await SdnetProcess.RunAsync(["journalist", "onion-auth", "add", "admin", "--device", "laptop",
            "--data", instance.Data.Root, "--tor-dir", site.ConsoleServiceDirectory]);
        Assert.True(added == 0, addOutput);
        site.LaptopKeyLine = KeyLine().Match(addOutput).Value;

        var frontEndOnion = File.ReadAllText(Path.Combine(site.ServicesDirectory, "sdnet-frontend", "hostname")).Trim();
        site.FrontEnd = new Uri($"http://{frontEndOnion}/");
        site.FrontEndTls = new Uri($"https://{frontEndOnion}/");
        site.Console = new Uri($"http://{File.ReadAllText(Path.Combine(site.ConsoleServiceDirectory, "hostname")).Trim()}/");
        var environment = new Dictionary<string, string>(FrontEndSettings) { ["Submission__OnionAddress"] = $"http://{frontEndOnion}" };
        site.FrontEndProcess = SdnetProcess.Start(["serve", "submission", "--data", instance.Data.Root, "--url", "http://unix:" + frontEndSocket], environment);
        var certificate = Path.Combine(sockets, "frontend.pfx");
        await File.WriteAllBytesAsync(certificate, SelfSignedCertificate(frontEndOnion));
        site.FrontEndTlsProcess = SdnetProcess.Start(["serve", "submission", "--data", instance.Data.Root, "--url", "https://unix:" + frontEndTlsSocket],
            new Dictionary<string, string>(environment) { ["Kestrel__Certificates__Default__Path"] = certificate, ["Kestrel__Certificates__Default__Password"] = "" });
        site.ConsoleProcess = SdnetProcess.Start(["serve", "reviewer", "--data", instance.Data.Root, "--url", "http://unix:" + consoleSocket], instance.Environment);
        await WaitUntilServingAsync(frontEndSocket, sendsCircuitLine: true, site.FrontEndProcess);
        await WaitUntilServingAsync(consoleSocket, sendsCircuitLine: false, site.ConsoleProcess, "/login");
        await Serving.WaitUntilAsync(() => Task.FromResult(File.Exists(frontEndTlsSocket)), TimeSpan.FromSeconds(60), site.FrontEndTlsProcess);

        await site.Host.RestartAsync();
        await site.WaitUntilPublishedAsync();
        return site;
    }

    private static byte[] SelfSignedCertificate(string host)
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest($"CN={host}", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        var names = new System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
        names.AddDnsName(host);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(TimeProvider.System.GetUtcNow().AddDays(-1), TimeProvider.System.GetUtcNow().AddDays(30));
        return certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx, "");
    }

    private static async Task WaitForFileAsync(string path, TorProcess tor)
    {
        for (var i = 0; i < 200 && !File.Exists(path); i++)
        {
            Assert.False(tor.HasExited, $"tor '{tor.Name}' exited:\n{tor.Tail()}");
            await Task.Delay(100);
        }

        Assert.True(File.Exists(path), $"tor did not write {path} within 20 s:\n{tor.Tail()}");
    }

    private static async Task WaitUntilServingAsync(string socket, bool sendsCircuitLine, SdnetProcess process, string path = "/")
    {
        await Serving.WaitUntilAsync(async () =>
        {
            if (!File.Exists(socket))
            {
                return false;
            }

            try
            {
                using var http = TorClients.OverSocket(socket, sendsCircuitLine);
                using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
                return response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), process);
    }

    [GeneratedRegex("^[a-z2-7]{56}:descriptor:x25519:[A-Z2-7]{52}$", RegexOptions.Multiline)]
    private static partial Regex KeyLine();
}

using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace SecureDrop.Net.EndToEnd.Tests.Tor;

/// <summary>
/// A private Tor network on loopback from Debian's tor (<c>TestingTorNetwork 1</c>): three directory authorities that
/// are also relays, two more relays, and a client with a SOCKS port, as chutney's "hs-v3-min" network has them (five
/// relays: a three-hop path, a rendezvous point and an introduction point). One per test run, shared by the
/// "Tor network" collection; onion services are further tor processes started by tests with
/// <see cref="StartOnionServiceHost"/>. The first vote comes after 10 seconds and later ones every 20, so the client
/// bootstraps in about 15-30 seconds. Start-up is bounded: a network not bootstrapped in time fails with each tor's log.
/// </summary>
public sealed partial class TorNetwork : IAsyncLifetime
{
    public const string TorPath = "/usr/sbin/tor";
    public const string GencertPath = "/usr/bin/tor-gencert";

    /// <summary>How long the network may take to bootstrap (it takes ~15-25 s here; the rest is headroom for a loaded machine).</summary>
    public static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(120);

    private const int Authorities = 3;
    private const int Relays = 2;
    private readonly List<TorProcess> _nodes = [];
    private readonly List<string> _authorityLines = [];
    private readonly List<IAsyncDisposable> _users = [];
    private readonly IMessageSink _diagnostics;
    private string? _root;

    public TorNetwork(IMessageSink diagnostics)
    {
        _diagnostics = diagnostics;
    }
    private TorProcess? _client;

    /// <summary>The client's SOCKS port on 127.0.0.1 (IsolateSOCKSAuth: each user name and password its own circuit).</summary>
    public int SocksPort { get; private set; }

    /// <summary>The client tor, for reloads after a test changes its onion client keys.</summary>
    public TorProcess Client => _client ?? throw new InvalidOperationException("The Tor network is not started.");

    /// <summary>Where the client reads onion client authorisation keys (NAME.auth_private files).</summary>
    public string ClientAuthDirectory { get; private set; } = "";

    /// <summary>How long bootstrapping took, for the test log.</summary>
    public TimeSpan StartedIn { get; private set; }

    /// <summary>The lines that make a tor use this network's authorities (and the network's testing settings).</summary>
    public IReadOnlyList<string> AuthorityLines => _authorityLines;

    public async Task InitializeAsync()
    {
        foreach (var tool in new[] { TorPath, GencertPath })
        {
            if (!File.Exists(tool))
            {
                throw new InvalidOperationException(
                    $"The Tor network tests need Debian's tor ({tool} is missing). Install it with ops/dev/install-test-dependencies.sh (apt-get install tor).");
            }
        }

        var clock = Stopwatch.StartNew();
        _root = Path.Combine(Path.GetTempPath(), $"sdnet-tornet-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_root);
        var nodes = new List<(string Name, string Directory, int OrPort, int DirPort)>();
        for (var i = 0; i < Authorities + Relays; i++)
        {
            var name = i < Authorities ? $"auth{i}" : $"relay{i}";
            var directory = Path.Combine(_root, name);
            Directory.CreateDirectory(Path.Combine(directory, "keys"));
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var (orPort, dirPort) = (Ports.FreeLoopbackPort(), Ports.FreeLoopbackPort());
            var fingerprint = await FingerprintAsync(directory);
            if (i < Authorities)
            {
                var v3Identity = await AuthorityCertificateAsync(directory, dirPort);
                _authorityLines.Add($"DirAuthority {name} orport={orPort} no-v2 v3ident={v3Identity} 127.0.0.1:{dirPort} {fingerprint}");
            }

            nodes.Add((name, directory, orPort, dirPort));
        }

        for (var i = 0; i < nodes.Count; i++)
        {
            var (name, directory, orPort, dirPort) = nodes[i];
            string[] relay =
            [
                $"OrPort {orPort}", $"DirPort {dirPort}", "Address 127.0.0.1", "ExitRelay 0", "SocksPort 0", "AssumeReachable 1",
                .. _authorityLines,
            ];
            string[] authority =
            [
                "AuthoritativeDirectory 1", "V3AuthoritativeDirectory 1", $"ContactInfo {name}@test.invalid",
                // Chutney's comments (torrc_templates/authority.i): intervals must divide a day, and vote plus
                // distribution delay must fit in half an interval. A quick first vote (the consensus the client
                // bootstraps from), then chutney's own 20/4/4, which leaves authorities on a loaded machine time to
                // exchange votes (2-second delays missed them at load average 40, and the network stalled).
                "TestingV3AuthInitialVotingInterval 10", "TestingV3AuthInitialVoteDelay 3", "TestingV3AuthInitialDistDelay 3",
                "V3AuthVotingInterval 20", "V3AuthVoteDelay 4", "V3AuthDistDelay 4",
            ];
            _nodes.Add(TorProcess.Start(name, directory, i < Authorities ? [.. relay, .. authority] : relay));
        }

        SocksPort = Ports.FreeLoopbackPort();
        ClientAuthDirectory = Path.Combine(_root, "client-auth");
        Directory.CreateDirectory(ClientAuthDirectory);
        File.SetUnixFileMode(ClientAuthDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _client = TorProcess.Start("client", Path.Combine(_root, "client"),
            [$"SocksPort 127.0.0.1:{SocksPort}", $"ClientOnionAuthDir {ClientAuthDirectory}", .. _authorityLines]);
        _nodes.Add(_client);
        try
        {
            await _client.WaitForLogAsync("Bootstrapped 100%", StartLimit - clock.Elapsed);
        }
        catch (Exception exception) when (exception is TimeoutException or InvalidOperationException)
        {
            throw new TimeoutException(
                $"The private Tor network did not bootstrap within {StartLimit.TotalSeconds:0} s.\n{exception.Message}\n"
                + string.Join('\n', _nodes.Where(n => n != _client).Select(n => $"--- {n.Name}:\n{n.Tail(12)}")), exception);
        }

        StartedIn = clock.Elapsed;
        _diagnostics.OnMessage(new Xunit.Sdk.DiagnosticMessage($"Private Tor network bootstrapped in {StartedIn.TotalSeconds:0.0} s (load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]})."));
    }

    /// <summary>
    /// Starts a tor that hosts onion services: the given lines (HiddenServiceDir, HiddenServicePort and their options,
    /// as a production torrc has them) on top of this network's settings, without a SOCKS port.
    /// </summary>
    public TorProcess StartOnionServiceHost(string name, IEnumerable<string> serviceLines)
    {
        ArgumentNullException.ThrowIfNull(_root);
        var host = TorProcess.Start(name, Path.Combine(_root, name), ["SocksPort 0", .. _authorityLines, .. serviceLines]);
        _nodes.Add(host);
        return host;
    }

    /// <summary>A fresh directory under the network's own, for a test's onion service keys or sockets.</summary>
    public string NewDirectory(string name)
    {
        ArgumentNullException.ThrowIfNull(_root);
        var directory = Path.Combine(_root, name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return directory;
    }

    /// <summary>Something built on the network (a site behind its onion services), stopped before the network is.</summary>
    public void DisposeWith(IAsyncDisposable user) => _users.Add(user);

    public async Task DisposeAsync()
    {
        foreach (var user in _users)
        {
            await user.DisposeAsync();
        }

        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        if (_root is not null && Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static async Task<string> FingerprintAsync(string directory)
    {
        var output = await RunAsync(TorPath, ["--ignore-missing-torrc", "-f", Path.Combine(directory, "none"), "--orport", "1", "--datadirectory", directory, "--list-fingerprint"], null);
        var match = FingerprintLine().Match(output);
        return match.Success
            ? match.Groups[1].Value.Replace(" ", "", StringComparison.Ordinal)
            : throw new InvalidOperationException("tor --list-fingerprint printed no fingerprint:\n" + output);
    }

    private static async Task<string> AuthorityCertificateAsync(string directory, int dirPort)
    {
        var keys = Path.Combine(directory, "keys");
        await RunAsync(GencertPath,
            ["--create-identity-key", "--passphrase-fd", "0", "-i", Path.Combine(keys, "authority_identity_key"), "-s", Path.Combine(keys, "authority_signing_key"),
             "-c", Path.Combine(keys, "authority_certificate"), "-m", "12", "-a", $"127.0.0.1:{dirPort.ToString(CultureInfo.InvariantCulture)}"],
            "test network authority\n");
        var fingerprint = File.ReadLines(Path.Combine(keys, "authority_certificate")).First(l => l.StartsWith("fingerprint ", StringComparison.Ordinal));
        return fingerprint["fingerprint ".Length..].Trim();
    }

    private static async Task<string> RunAsync(string tool, IEnumerable<string> arguments, string? input)
    {
        var start = new ProcessStartInfo(tool) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {tool}.");
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(limit.Token);
        return process.ExitCode == 0
            ? await output
            : throw new InvalidOperationException($"{tool} failed ({process.ExitCode}):\n{await output}\n{await error}");
    }

    [GeneratedRegex(@"^\S+ ((?:[0-9A-F]{4} ){9}[0-9A-F]{4})\s*$", RegexOptions.Multiline)]
    private static partial Regex FingerprintLine();
}

/// <summary>The tests that share the run's one private Tor network run one after another in this collection.</summary>
[CollectionDefinition(Name)]
public sealed class SharesTheTorNetwork : ICollectionFixture<TorNetwork>
{
    public const string Name = "Tor network";
}

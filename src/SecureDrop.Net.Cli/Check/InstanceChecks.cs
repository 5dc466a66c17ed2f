using System.Globalization;
using System.Net;
using System.Xml.Linq;
using Microsoft.Extensions.Configuration;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Data.Layout;
using SecureDrop.Net.Core.Settings;
using SecureDrop.Net.Crypto;
using SecureDrop.Net.Vault.Jobs;

namespace SecureDrop.Net.Cli.Check;

internal enum Verdict
{
    Ok,
    Weak,
    Fail,
}

internal sealed record CheckResult(Verdict Verdict, string Name, string Detail);

/// <summary>
/// The self-audit, one finding per concern. WEAK: the instance works but is less safe than it should be; FAIL: a
/// protection the design relies on is missing. Each detail names the fix.
/// </summary>
internal sealed class InstanceChecks
{
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private const UnixFileMode Other = UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private readonly string _root;
    private readonly IConfiguration _settings;
    private readonly InstanceSettings _console;

    /// <param name="root">The data directory.</param>
    /// <param name="settings">The environment and ops settings files.</param>
    /// <param name="console">What an admin set on the console's settings page; it wins over the environment, as in the services.</param>
    public InstanceChecks(string root, IConfiguration settings, InstanceSettings? console = null)
    {
        _root = root;
        _settings = settings;
        _console = console ?? InstanceSettings.None;
    }

    /// <summary>The console's settings row, or none when the database cannot be read (the schema check says why).</summary>
    public static async Task<InstanceSettings> ReadConsoleSettingsAsync(string root, IConfiguration settings)
    {
        try
        {
            var database = new MetadataDatabase(DataDirectory.Open(root), Core.CoreServices.DatabaseOptionsFrom(settings));
            database.CheckProvider();
            return await new InstanceSettingsStore(database, TimeProvider.System).ReadFreshAsync();
        }
        catch (Exception exception) when (exception is DataDirectoryException or IOException or System.Data.Common.DbException or InvalidOperationException)
        {
            return InstanceSettings.None;
        }
    }

    private string KeysDirectory => Path.Combine(_root, "keys");

    public IEnumerable<CheckResult> Run()
    {
        yield return Permissions();
        yield return SecretKeysFromFrontEnd();
        yield return ConsoleAddress();
        yield return NewsroomKeys();
        yield return PostQuantumProtection();
        yield return TransportProtection();
        yield return Retention();
        yield return MetadataChecks.IngestWindow(null, _settings["Ingest:Window"]);
        yield return MetadataChecks.AccessTimes(_root);
        yield return DataProtectionKeys();
        yield return Schema();
    }

    /// <summary>Owner-only everywhere: nothing in the data directory open to other users, nothing to the group.</summary>
    public CheckResult Permissions()
    {
        const string Name = "data directory permissions";
        if (OperatingSystem.IsWindows())
        {
            return new(Verdict.Ok, Name, "not checked on Windows");
        }

        var entries = Directory.EnumerateFileSystemEntries(_root, "*", SearchOption.AllDirectories).Prepend(_root).ToList();
        var openToOthers = entries.Count(path => (ModeOf(path) & Other) != 0);
        if (Layout() is { } layout)
        {
            return MultiUserPermissions(layout, entries.Count, openToOthers);
        }

        var openToGroup = entries.Count(path => (ModeOf(path) & GroupOrOther) != 0);
        var keyFiles = Directory.Exists(KeysDirectory) ? Directory.GetFiles(KeysDirectory) : [];
        var looseKeys = keyFiles.Count(path => (ModeOf(path) & GroupOrOther) != 0);
        if (openToOthers > 0 || looseKeys > 0)
        {
            return new(Verdict.Fail, Name, $"{openToOthers} entries open to other users, {looseKeys} key file(s) open to the group or others. Fix: chmod -R go-rwx {_root}");
        }

        return openToGroup > 0
            ? new(Verdict.Weak, Name, $"{openToGroup} entries open to the group. Fix: chmod -R go-rwx {_root} (production units share files through their own directories, see ops/README.md)")
            : new(Verdict.Ok, Name, string.Create(CultureInfo.InvariantCulture, $"{entries.Count} entries, owner-only"));
    }

    /// <summary>The front end must never be able to open a secret newsroom key or the vault-key wraps.</summary>
    public CheckResult SecretKeysFromFrontEnd()
    {
        const string Name = "secret keys vs. front end user";
        if (OperatingSystem.IsWindows())
        {
            return new(Verdict.Ok, Name, "not checked on Windows");
        }

        var secrets = Directory.Exists(KeysDirectory)
            ? Directory.GetFiles(KeysDirectory).Where(path => path.EndsWith(".secret", StringComparison.Ordinal) || Path.GetFileName(path).StartsWith("vault-key", StringComparison.Ordinal)).ToList()
            : [];
        var userName = _settings["Ops:FrontEndUser"];
        if (string.IsNullOrWhiteSpace(userName) && Layout() is { } layout)
        {
            var frontEnd = Init.MultiUserInit.FrontEndUser(layout);
            var readableByFrontEnd = secrets.Count(path => UnixAccess.CanRead(frontEnd, path));
            return readableByFrontEnd > 0
                ? new(Verdict.Fail, Name, $"the front end's user {layout.FrontEnd} can read {readableByFrontEnd} of {secrets.Count} secret key file(s). Fix: chown {layout.Console.Id}:{layout.SharedGroup.Id} {KeysDirectory}/newsroom-*.secret {KeysDirectory}/vault-key.* && chmod 600 {KeysDirectory}/newsroom-*.secret {KeysDirectory}/vault-key.*")
                : new(Verdict.Ok, Name, $"the front end's user {layout.FrontEnd} can read none of the {secrets.Count} secret key file(s)");
        }

        if (string.IsNullOrWhiteSpace(userName))
        {
            var readable = secrets.Count(path => (ModeOf(path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0);
            return readable > 0
                ? new(Verdict.Fail, Name, $"{readable} secret key file(s) readable by the group or others, so by the front end's user. Fix: chmod go-rwx {KeysDirectory}/*")
                : new(Verdict.Ok, Name, $"{secrets.Count} secret key file(s), none group- or other-readable (give --frontend-user to check that user's access)");
        }

        var user = UnixAccess.FindUser(userName);
        if (user is null)
        {
            return new(Verdict.Fail, Name, $"the front end user '{userName}' does not exist. Fix: create it (ops/README.md) or name the right one with --frontend-user");
        }

        if (user.Uid == 0)
        {
            return new(Verdict.Fail, Name, $"the front end user '{userName}' is root and can read every key. Fix: run the front end as its own unprivileged user (ops/sdnet-frontend.service)");
        }

        var open = secrets.Count(path => UnixAccess.CanRead(user, path));
        return open > 0
            ? new(Verdict.Fail, Name, $"'{userName}' can read {open} of {secrets.Count} secret key file(s). Fix: chown the data directory to the console's user and chmod -R go-rwx {KeysDirectory}")
            : new(Verdict.Ok, Name, $"'{userName}' can read none of the {secrets.Count} secret key file(s)");
    }

    /// <summary>The console belongs on loopback, a Unix socket, or behind an authenticated onion service.</summary>
    public CheckResult ConsoleAddress()
    {
        const string Name = "console address";
        var url = _settings["Ops:ReviewerUrl"];
        if (string.IsNullOrWhiteSpace(url))
        {
            return new(Verdict.Ok, Name, $"not configured, so the default {SecureDrop.Net.Cli.Run.RunCommand.DefaultReviewerUrl} (loopback); give --reviewer-url to check the address in use");
        }

        if (url.StartsWith("http://unix:", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://unix:", StringComparison.OrdinalIgnoreCase))
        {
            return new(Verdict.Ok, Name, "a Unix socket, reachable only through the local file system (e.g. Tor with client authorisation)");
        }

        var host = Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri) ? uri.Host.Trim('[', ']') : "";
        var loopback = host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
        return loopback
            ? new(Verdict.Ok, Name, $"{url} (loopback)")
            : new(Verdict.Weak, Name, $"{url} is not a loopback address: the console is reachable from the network. Fix: listen on 127.0.0.1 or a Unix socket and publish it as an onion service with client authorisation");
    }

    /// <summary>Every public key in keys/ must meet the key policy (RSA of 3072 bits or more, Curve25519/448, NIST or brainpool, ML-KEM).</summary>
    public CheckResult NewsroomKeys()
    {
        const string Name = "newsroom key algorithms";
        var files = Directory.Exists(KeysDirectory) ? Directory.GetFiles(KeysDirectory, "*.asc") : [];
        var described = new List<string>();
        foreach (var file in files)
        {
            try
            {
                var key = NewsroomPublicKey.Parse(File.ReadAllBytes(file));
                described.Add($"{key.Fingerprint[..16]} {KeyDescription.Of(key)}");
            }
            catch (CryptoException exception)
            {
                return new(Verdict.Fail, Name, $"{Path.GetFileName(file)}: {exception.Message} Fix: rotate to a new key (sdnet keys rotate)");
            }
        }

        return described.Count == 0
            ? new(Verdict.Fail, Name, "no public newsroom key in keys/. Fix: restore the data directory from a backup")
            : new(Verdict.Ok, Name, string.Join(", ", described));
    }

    /// <summary>
    /// New items must be safe against an adversary who keeps them until a quantum computer exists (invariant 10):
    /// the active newsroom key is post-quantum (RFC 9980, ML-KEM). A classic one works but is WEAK.
    /// </summary>
    public CheckResult PostQuantumProtection()
    {
        const string Name = "post-quantum protection";
        var file = Path.Combine(KeysDirectory, "newsroom-public.asc");
        NewsroomPublicKey key;
        try
        {
            key = NewsroomPublicKey.Parse(File.ReadAllBytes(file));
        }
        catch (Exception exception) when (exception is CryptoException or IOException)
        {
            return new(Verdict.Fail, Name, $"the active newsroom key could not be read ({exception.Message}). Fix: restore the data directory from a backup");
        }

        return key.IsPostQuantum
            ? new(Verdict.Ok, Name, $"the active newsroom key is post-quantum ({KeyDescription.Of(key)})")
            : new(Verdict.Weak, Name,
                $"the active newsroom key is classic ({KeyDescription.Of(key)}): what is encrypted to it could be read by an adversary who keeps it until a quantum computer exists. Fix: sdnet keys rotate --data {_root} --as ADMIN (a post-quantum key), then sdnet keys rewrap and sdnet keys destroy the old key");
    }

    /// <summary>Sources reach the front end over Tor (an onion address) or, at the least, TLS.</summary>
    public CheckResult TransportProtection()
    {
        const string Name = "TLS or onion service";
        var onion = _console.OnionAddress ?? _settings["Submission:OnionAddress"];
        var submissionUrl = _settings["Ops:SubmissionUrl"] ?? "";
        var certificate = _settings["Kestrel:Certificates:Default:Path"];
        if (!string.IsNullOrWhiteSpace(onion))
        {
            return new(Verdict.Ok, Name, $"onion address {onion}");
        }

        if (submissionUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || !string.IsNullOrWhiteSpace(certificate))
        {
            return new(Verdict.Ok, Name, "TLS configured for the front end (no onion address)");
        }

        return new(Verdict.Weak, Name, "neither an onion address nor TLS is configured for the front end. Fix: publish it as an onion service (ops/torrc) and set its address on the console's settings page or in Submission__OnionAddress");
    }

    public CheckResult Retention()
    {
        const string Name = "retention";
        var days = _console.RetentionDays ?? _settings.GetValue<int?>("Retention:SubmissionDays") ?? new RetentionOptions().SubmissionDays;
        return days > 0
            ? new(Verdict.Ok, Name, string.Create(CultureInfo.InvariantCulture, $"submissions are deleted after {days} day(s)"))
            : new(Verdict.Weak, Name, "retention is off: every submission is kept until a journalist deletes it, so a seizure finds all of them. Fix: set a retention period on the console's settings page (/admin/settings) or Retention__SubmissionDays (e.g. 90)");
    }

    /// <summary>DataProtection key files with a plain masterKey (no encryptedSecret) sit unencrypted on disk.</summary>
    public CheckResult DataProtectionKeys()
    {
        const string Name = "DataProtection keys at rest";
        var directory = Path.Combine(_root, "dataprotection");
        var files = Directory.Exists(directory) ? Directory.GetFiles(directory, "*.xml", SearchOption.AllDirectories) : [];
        var unprotected = 0;
        foreach (var file in files)
        {
            try
            {
                var document = XDocument.Load(file);
                var plain = document.Descendants().Any(element => element.Name.LocalName == "masterKey")
                    && !document.Descendants().Any(element => element.Name.LocalName == "encryptedSecret");
                unprotected += plain ? 1 : 0;
            }
            catch (System.Xml.XmlException)
            {
                unprotected++;
            }
        }

        return unprotected > 0
            ? new(Verdict.Weak, Name, $"{unprotected} of {files.Length} key file(s) hold their master key unencrypted. Fix: upgrade to a build that protects the key rings at rest, then let DataProtection roll its keys")
            : new(Verdict.Ok, Name, files.Length == 0 ? "no key files yet (made when the web apps first start)" : $"{files.Length} key file(s), all encrypted");
    }

    private MultiUserLayout? Layout() =>
        !OperatingSystem.IsWindows() && File.Exists(Path.Combine(_root, "instance.json")) ? DataDirectory.ForAudit(_root).Layout : null;

    /// <summary>The multi-user layout: every path with its owner, group and mode, nothing open to others, and the front end's user outside the backend group.</summary>
    private CheckResult MultiUserPermissions(MultiUserLayout layout, int entries, int openToOthers)
    {
        const string Name = "data directory permissions";
        var data = DataDirectory.ForAudit(_root);
        var problems = LayoutRules.Verify(LayoutRules.Fixed(data, layout).Concat(LayoutRules.Items(data, layout)));
        if (Init.MultiUserInit.FrontEndUser(layout).Groups.Contains(layout.BackendGroup.Id))
        {
            return new(Verdict.Fail, Name, $"the front end's user {layout.FrontEnd} is in the group {layout.BackendGroup}, so it can read the vault. Fix: gpasswd -d {layout.FrontEnd.Name} {layout.BackendGroup.Name}");
        }

        if (problems.Count > 0 || openToOthers > 0)
        {
            var first = problems.Count > 0 ? " First: " + problems[0].Message : $" Fix: chmod -R o-rwx {_root}";
            return new(Verdict.Fail, Name, string.Create(CultureInfo.InvariantCulture, $"{problems.Count} path(s) differ from the multi-user layout, {openToOthers} open to other users.{first}"));
        }

        return new(Verdict.Ok, Name, string.Create(CultureInfo.InvariantCulture, $"{entries} entries, multi-user layout: each path with its owner, group and mode, none open to other users"));
    }

    private static UnixFileMode ModeOf(string path) => OperatingSystem.IsWindows() ? default : File.GetUnixFileMode(path);

    public CheckResult Schema()
    {
        const string Name = "database schema";
        try
        {
            var database = new MetadataDatabase(DataDirectory.Open(_root), Core.CoreServices.DatabaseOptionsFrom(_settings));
            database.CheckProvider();
            var applied = SchemaMigrations.AppliedVersion(database);
            return applied switch
            {
                _ when applied < SchemaMigrations.CurrentVersion => new(Verdict.Weak, Name, $"version {applied}, older than this build's {SchemaMigrations.CurrentVersion}: the services will not start. Fix: sdnet backup create, then sdnet migrate --data {_root}"),
                _ when applied > SchemaMigrations.CurrentVersion => new(Verdict.Fail, Name, $"version {applied}, newer than this build's {SchemaMigrations.CurrentVersion}. Fix: run the sdnet release that migrated it"),
                _ => new(Verdict.Ok, Name, $"version {applied} ({database.Provider}), current"),
            };
        }
        catch (Exception exception) when (exception is DataDirectoryException or IOException or System.Data.Common.DbException or InvalidOperationException)
        {
            return new(Verdict.Fail, Name, "cannot read it: " + exception.Message);
        }
    }
}

using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using SecureDrop.Net.Core.Data;

namespace SecureDrop.Net.Cli.Tor;

/// <summary>
/// Tor's client authorisation for the console's onion service (tor's rend-spec-v3, "client authorization"): one
/// x25519 key per journalist device. The service's directory holds the public halves, one
/// <c>authorized_clients/NAME-DEVICE.auth</c> file each (<c>descriptor:x25519:BASE32</c>); the private half goes to
/// that device's Tor Browser once (<c>ONION:descriptor:x25519:BASE32</c>) and is kept nowhere here.
/// </summary>
/// <remarks>
/// tor serves an onion service without client authorisation when authorized_clients holds no key, so revoking the last
/// device would open the console's descriptor to anyone with its address. <see cref="ClosedFile"/> holds a key whose
/// private half was thrown away, so the service stays closed however many devices are left. Its name has capitals,
/// which no user name or device label may have. A tor reload (SIGHUP) publishes a new descriptor without a revoked key,
/// but keeps the service's introduction points: a device that fetched the old descriptor can still reach the service
/// until tor restarts (tor's hs_service.c rebuilds the descriptor's encrypted part on a client change, not the
/// introduction points; tested in this repository's private Tor network).
/// </remarks>
internal sealed partial class OnionClients
{
    public const string ClosedFile = "CLOSED.auth";
    private const string Suffix = ".auth";

    public OnionClients(string serviceDirectory)
    {
        ServiceDirectory = Path.GetFullPath(serviceDirectory);
    }

    /// <summary>The console's HiddenServiceDir (e.g. /var/lib/tor/sdnet-console).</summary>
    public string ServiceDirectory { get; }

    public string ClientsDirectory => Path.Combine(ServiceDirectory, "authorized_clients");

    /// <summary>The onion address tor made for the service (its hostname file), or null before tor has started with it.</summary>
    public string? OnionAddress
    {
        get
        {
            var hostname = Path.Combine(ServiceDirectory, "hostname");
            return File.Exists(hostname) ? File.ReadAllText(hostname).Trim() : null;
        }
    }

    public static bool IsValidDevice(string label) => DevicePattern().IsMatch(label);

    public static string FileName(string username, string device) => $"{username}-{device}{Suffix}";

    /// <summary>The NAME-DEVICE.auth files, the closed placeholder left out.</summary>
    public IReadOnlyList<string> Files() =>
        Directory.Exists(ClientsDirectory)
            ? [.. Directory.GetFiles(ClientsDirectory, "*" + Suffix).Select(Path.GetFileName).OfType<string>().Where(f => f != ClosedFile).Order(StringComparer.Ordinal)]
            : [];

    /// <summary>Whether tor would require client authorisation: at least one key on file.</summary>
    public bool RequiresAuthorisation() =>
        Directory.Exists(ClientsDirectory) && Directory.GetFiles(ClientsDirectory, "*" + Suffix).Length > 0;

    /// <summary>
    /// Makes a key for a device: writes its public half (and the closed placeholder, the first time) for tor, and
    /// returns the line Tor Browser takes. Refuses a device that has a key already, and a label whose file name would
    /// read as another journalist's (alice's "b-phone" and alice-b's "phone" are both alice-b-phone.auth).
    /// </summary>
    public string Add(string username, string device, IEnumerable<string> allUsernames)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Tor's onion service files are managed on the Linux server that runs tor.");
        }

        var onion = OnionAddress ?? throw new DataDirectoryException(
            $"'{ServiceDirectory}' has no hostname file: tor has not made the console's onion service there yet. Add its HiddenServiceDir to the torrc (sdnet tor torrc), start tor once, then run this again.");
        var path = Path.Combine(ClientsDirectory, FileName(username, device));
        if (Owner($"{username}-{device}", allUsernames.Append(username)) is { } owner && owner != username)
        {
            throw new DataDirectoryException($"The file for '{username}' device '{device}' would read as journalist '{owner}''s. Choose another device label.");
        }

        if (File.Exists(path))
        {
            throw new DataDirectoryException($"'{username}' already has a key for the device '{device}'. Revoke it first (sdnet journalist onion-auth revoke {username} --device {device}), or choose another label.");
        }

        EnsureClientsDirectory();
        if (!File.Exists(Path.Combine(ClientsDirectory, ClosedFile)))
        {
            // The private half is discarded at once: no one can ever use this key.
            var (_, placeholder) = NewKeyPair();
            Write(Path.Combine(ClientsDirectory, ClosedFile), $"descriptor:x25519:{placeholder}\n");
        }

        var (secret, publicKey) = NewKeyPair();
        try
        {
            Write(path, $"descriptor:x25519:{publicKey}\n");
            return $"{onion[..^".onion".Length]}:descriptor:x25519:{Base32(secret)}";
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>Removes one device's key; false when it had none.</summary>
    public bool Revoke(string username, string device)
    {
        var path = Path.Combine(ClientsDirectory, FileName(username, device));
        if (!File.Exists(path))
        {
            return false;
        }

        File.Delete(path);
        return true;
    }

    /// <summary>
    /// The devices of <paramref name="username"/>: files named after it whose rest is a device label, unless a longer
    /// user name in <paramref name="allUsernames"/> claims the file (alice-laptop's devices are not alice's).
    /// </summary>
    public IReadOnlyList<string> Devices(string username, IEnumerable<string> allUsernames)
    {
        var names = allUsernames.ToList();
        return [.. Files()
            .Select(file => file[..^Suffix.Length])
            .Where(stem => Owner(stem, names) == username)
            .Select(stem => stem[(username.Length + 1)..])];
    }

    /// <summary>The user name a NAME-DEVICE stem belongs to: the longest known user name it starts with, or null.</summary>
    public static string? Owner(string stem, IEnumerable<string> usernames) =>
        usernames.Where(name => stem.Length > name.Length + 1 && stem.StartsWith(name + "-", StringComparison.Ordinal) && IsValidDevice(stem[(name.Length + 1)..]))
            .MaxBy(name => name.Length);

    [UnsupportedOSPlatform("windows")]
    private void EnsureClientsDirectory()
    {
        if (!Directory.Exists(ClientsDirectory))
        {
            Directory.CreateDirectory(ClientsDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            GiveToServiceOwner(ClientsDirectory);
        }
    }

    /// <summary>tor (debian-tor) owns the service directory and must read what is written here; root writes it.</summary>
    [UnsupportedOSPlatform("windows")]
    private void Write(string path, string content)
    {
        using (var file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            file.Write(Encoding.ASCII.GetBytes(content));
            file.Flush(flushToDisk: true);
        }

        GiveToServiceOwner(path);
    }

    private void GiveToServiceOwner(string path)
    {
        var owner = UnixFiles.Stat(ServiceDirectory);
        if (UnixFiles.EffectiveUserId == 0 && owner.Uid != 0)
        {
            UnixFiles.SetOwner(path, owner.Uid, owner.Gid);
        }
    }

    private static (byte[] Secret, string PublicKey) NewKeyPair()
    {
        var secret = new X25519PrivateKeyParameters(new SecureRandom());
        var bytes = secret.GetEncoded();
        return (bytes, Base32(secret.GeneratePublicKey().GetEncoded()));
    }

    /// <summary>RFC 4648 base32 without padding, as tor writes x25519 keys.</summary>
    private static string Base32(byte[] bytes) => OtpNet.Base32Encoding.ToString(bytes).TrimEnd('=');

    [GeneratedRegex("^[a-z0-9._-]{1,32}$")]
    private static partial Regex DevicePattern();
}

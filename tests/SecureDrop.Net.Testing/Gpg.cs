namespace SecureDrop.Net.Testing;

/// <summary>
/// Stock GnuPG with a keyring of the test's own (a temporary GNUPGHOME, mode 700), in batch mode with loopback
/// pinentry so that passphrases come from the command line. Disposing it stops the gpg-agent that gpg started for
/// this home and deletes the home.
/// </summary>
public sealed class Gpg : IDisposable, IAsyncDisposable
{
    private readonly TempDirectory _home = new("sdnet-gnupg");

    public Gpg()
    {
        // gpg refuses a home that others can read.
        File.SetUnixFileMode(_home.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Home => _home.Path;

    /// <summary>The home directory, for files a test hands to gpg.</summary>
    public TempDirectory Scratch => _home;

    private Dictionary<string, string> Environment => new() { ["GNUPGHOME"] = _home.Path };

    /// <summary>Runs gpg with <paramref name="stdin"/> on its standard input; the caller looks at the result.</summary>
    public Task<ToolResult> RunAsync(byte[]? stdin, params string[] arguments) =>
        ToolRunner.RunAsync("gpg", ["--batch", "--yes", "--no-tty", "--pinentry-mode", "loopback", "--trust-model", "always", .. arguments], stdin, Environment);

    /// <summary>Runs gpg and returns its standard output as text; throws with its stderr when it fails.</summary>
    public async Task<string> RunAsync(params string[] arguments) => (await RunAsync(stdin: null, arguments)).EnsureSuccess().StdoutText;

    /// <summary>Makes a key the way an operator would: plain 'gpg --quick-gen-key', gpg's own defaults, no passphrase.</summary>
    public async Task<string> QuickGenerateKeyAsync(string userId)
    {
        (await RunAsync(stdin: null, "--passphrase", "", "--quick-gen-key", userId)).EnsureSuccess();
        return await FingerprintAsync(userId);
    }

    /// <summary>Creates a key with <c>--quick-gen-key</c> and returns its primary fingerprint.</summary>
    public async Task<string> QuickGenKeyAsync(
        string userId, string algorithm, string usage, string expire = "never", string passphrase = "", string? fakedTime = null)
    {
        string[] time = fakedTime is null ? [] : ["--faked-system-time", fakedTime];
        (await RunAsync(stdin: null, [.. time, "--passphrase", passphrase, "--quick-gen-key", userId, algorithm, usage, expire])).EnsureSuccess();
        return await FingerprintAsync(userId);
    }

    public async Task AddKeyAsync(
        string fingerprint, string algorithm, string usage, string expire = "never", string passphrase = "", string? fakedTime = null)
    {
        string[] time = fakedTime is null ? [] : ["--faked-system-time", fakedTime];
        (await RunAsync(stdin: null, [.. time, "--passphrase", passphrase, "--quick-add-key", fingerprint, algorithm, usage, expire])).EnsureSuccess();
    }

    public async Task<string> FingerprintAsync(string userId) => Fingerprints(await RunAsync("--with-colons", "--list-keys", userId))[0];

    /// <summary>Every fingerprint in a colon listing, primary first, then subkeys.</summary>
    public static List<string> Fingerprints(string colonListing) =>
        colonListing.Split('\n')
            .Where(line => line.StartsWith("fpr:", StringComparison.Ordinal))
            .Select(line => line.Split(':')[9])
            .ToList();

    public async Task<byte[]> ExportSecretAsync(string who, string passphrase = "", bool armor = false)
    {
        string[] armorFlag = armor ? ["--armor"] : [];
        return (await RunAsync(stdin: null, [.. armorFlag, "--passphrase", passphrase, "--export-secret-keys", who])).EnsureSuccess().Stdout;
    }

    public async Task<byte[]> ExportPublicAsync(string who) => (await RunAsync(stdin: null, "--export", who)).EnsureSuccess().Stdout;

    public async Task ImportAsync(byte[] key) => (await RunAsync(key, "--import")).EnsureSuccess();

    public void Dispose()
    {
        var stop = new System.Diagnostics.ProcessStartInfo("gpgconf", ["--kill", "all"]) { UseShellExecute = false };
        stop.Environment["GNUPGHOME"] = _home.Path;
        using (var kill = System.Diagnostics.Process.Start(stop))
        {
            kill?.WaitForExit();
        }

        _home.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await ToolRunner.RunAsync("gpgconf", ["--kill", "all"], null, Environment);
        _home.Dispose();
    }
}

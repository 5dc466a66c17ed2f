namespace SecureDrop.Net.Crypto.Tests;

/// <summary>
/// A throwaway GnuPG home (GNUPGHOME, mode 700) for one test. Disposing it stops the gpg-agent that gpg started
/// for this home and deletes the directory.
/// </summary>
internal sealed class GnuPg : IAsyncDisposable
{
    private readonly TempDirectory _home = new("sdnet-gpg-");

    public string HomePath => _home.Path;

    public TempDirectory Scratch => _home;

    private Dictionary<string, string> Environment => new() { ["GNUPGHOME"] = _home.Path };

    /// <summary>Runs gpg in batch mode with loopback pinentry, so passphrases come from the command line.</summary>
    public Task<ToolResult> RunAsync(byte[]? stdin, params string[] arguments) =>
        ToolRunner.RunAsync(
            "gpg",
            ["--batch", "--no-tty", "--pinentry-mode", "loopback", "--trust-model", "always", .. arguments],
            stdin,
            Environment);

    public Task<ToolResult> RunAsync(params string[] arguments) => RunAsync(null, arguments);

    /// <summary>Creates a key with <c>--quick-gen-key</c> and returns its primary fingerprint.</summary>
    public async Task<string> QuickGenKeyAsync(
        string userId, string algorithm, string usage, string expire = "never", string passphrase = "", string? fakedTime = null)
    {
        string[] time = fakedTime is null ? [] : ["--faked-system-time", fakedTime];
        (await RunAsync([.. time, "--passphrase", passphrase, "--quick-gen-key", userId, algorithm, usage, expire]))
            .EnsureSuccess();
        return await FingerprintAsync(userId);
    }

    public async Task AddKeyAsync(
        string fingerprint, string algorithm, string usage, string expire = "never", string passphrase = "", string? fakedTime = null)
    {
        string[] time = fakedTime is null ? [] : ["--faked-system-time", fakedTime];
        (await RunAsync([.. time, "--passphrase", passphrase, "--quick-add-key", fingerprint, algorithm, usage, expire]))
            .EnsureSuccess();
    }

    public async Task<string> FingerprintAsync(string userId)
    {
        ToolResult listing = (await RunAsync("--with-colons", "--list-keys", userId)).EnsureSuccess();
        return Fingerprints(listing.StdoutText)[0];
    }

    /// <summary>Every fingerprint in a colon listing, primary first, then subkeys.</summary>
    public static List<string> Fingerprints(string colonListing) =>
        colonListing.Split('\n')
            .Where(line => line.StartsWith("fpr:", StringComparison.Ordinal))
            .Select(line => line.Split(':')[9])
            .ToList();

    public async Task<byte[]> ExportSecretAsync(string who, string passphrase = "", bool armor = false)
    {
        string[] armorFlag = armor ? ["--armor"] : [];
        return (await RunAsync([.. armorFlag, "--passphrase", passphrase, "--export-secret-keys", who])).EnsureSuccess().Stdout;
    }

    public async Task<byte[]> ExportPublicAsync(string who) =>
        (await RunAsync("--export", who)).EnsureSuccess().Stdout;

    public async Task ImportAsync(byte[] key) => (await RunAsync(key, "--import")).EnsureSuccess();

    public async ValueTask DisposeAsync()
    {
        await ToolRunner.RunAsync("gpgconf", ["--kill", "all"], null, Environment);
        _home.Dispose();
    }
}

using System.Diagnostics;
using System.Text;

namespace SecureDrop.Net.Testing;

/// <summary>Stock GnuPG with a keyring of the test's own (a temporary GNUPGHOME, mode 700).</summary>
public sealed class Gpg : IDisposable
{
    private readonly TempDirectory _home = new("sdnet-gnupg");

    public Gpg()
    {
        File.SetUnixFileMode(_home.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Home => _home.Path;

    /// <summary>Runs gpg in batch mode; throws with its stderr when it fails.</summary>
    public async Task<string> RunAsync(params string[] arguments)
    {
        var (exitCode, output, error) = await TryRunAsync(arguments);
        return exitCode == 0 ? output : throw new InvalidOperationException($"gpg {string.Join(' ', arguments)} failed ({exitCode}): {error}");
    }

    public async Task<(int ExitCode, string Output, string Error)> TryRunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("gpg")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "--homedir", Home, "--batch", "--yes", "--no-tty", "--pinentry-mode", "loopback", "--passphrase", "" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("gpg is not installed.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }

    /// <summary>Makes a key the way the operator would: plain 'gpg --quick-gen-key', gpg's own defaults.</summary>
    public async Task<string> QuickGenerateKeyAsync(string userId)
    {
        await RunAsync("--quick-gen-key", userId);
        var listing = await RunAsync("--with-colons", "--list-secret-keys", userId);
        return listing.Split('\n').First(line => line.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
    }

    public async Task<byte[]> ExportSecretKeyAsync(string fingerprint) =>
        Encoding.ASCII.GetBytes(await RunAsync("--armor", "--export-secret-keys", fingerprint));

    /// <summary>Stops the gpg-agent that gpg started for this home, then deletes the home.</summary>
    public void Dispose()
    {
        using (var kill = Process.Start("gpgconf", ["--homedir", Home, "--kill", "gpg-agent"]))
        {
            kill.WaitForExit();
        }

        _home.Dispose();
    }
}

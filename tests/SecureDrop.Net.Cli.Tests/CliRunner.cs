using SecureDrop.Net.Cli.Unlock;

namespace SecureDrop.Net.Cli.Tests;

/// <summary>sdnet in this process, with standard input given as text (one secret per line).</summary>
internal static class CliRunner
{
    public static async Task<(int Code, string Output, string Error)> RunAsync(string? standardInput, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var terminal = new Terminal(new StringReader(standardInput ?? ""), TextWriter.Null, interactive: false, outputIsTerminal: false);
        var code = await Sdnet.RunAsync(args, output, error, terminal);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Runs a command that needs the vault key as the first admin, with their passphrase on standard input.</summary>
    public static Task<(int Code, string Output, string Error)> AsAdminAsync(TestInstance instance, params string[] args) =>
        RunAsync(instance.Secrets.AdminPassphrase, [.. args, "--data", instance.Data.Root, "--as", "admin"]);

    /// <summary>Every file under keys/ with its bytes, to show a refused command changed nothing.</summary>
    public static Dictionary<string, string> KeyFiles(TestInstance instance) =>
        Directory.EnumerateFiles(instance.Data.KeysDirectory)
            .ToDictionary(f => Path.GetFileName(f), f => Convert.ToBase64String(File.ReadAllBytes(f)), StringComparer.Ordinal);

    /// <summary>
    /// A command that ended with exit code 1 (refused, or a check flagged): what it printed names each of
    /// <paramref name="expected"/>, so an operator reading it learns what is wrong and the fix.
    /// </summary>
    public static void AssertFails(int code, string printed, params string[] expected)
    {
        Assert.True(code == 1, $"Exit code {code}, not 1:\n{printed}");
        foreach (var text in expected)
        {
            Assert.Contains(text, printed, StringComparison.Ordinal);
        }
    }
}

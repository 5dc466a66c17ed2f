using System.Text.RegularExpressions;

namespace SecureDrop.Net.Cli.Tests.Backup;

/// <summary>
/// backup create, verify and restore report progress; with their output not on a terminal (a log, a pipe), as plain
/// lines from 0 % to 100 % with counts and sizes only, never a bar redrawn with carriage returns or a file name.
/// (The bar on a terminal is the same class's other branch; ProgressTests covers the re-wrap's.)
/// </summary>
public sealed partial class BackupProgressTests
{
    [Fact]
    public async Task CreateVerifyRestore_OffATerminal_PrintPlainProgressLinesFrom0To100()
    {
        using var instance = await TestInstance.CreateAsync();
        await Seed.SubmissionAsync(instance, "message", ("secret-name.bin", new byte[300_000]));
        using var work = new TempDirectory();
        var backup = work.Combine("instance.backup");

        var create = await SdnetProcess.RunAsync(["backup", "create", "--data", instance.Data.Root, "--out", backup, "--passphrase-stdin"], instance.Environment, BackupRoundTripTests.Passphrase);
        var verify = await SdnetProcess.RunAsync(["backup", "verify", "--in", backup, "--passphrase-stdin"], standardInput: BackupRoundTripTests.Passphrase);
        var restore = await SdnetProcess.RunAsync(["backup", "restore", "--in", backup, "--data", work.Combine("restored"), "--passphrase-stdin"], standardInput: BackupRoundTripTests.Passphrase);

        foreach (var (verb, (code, output)) in new[] { ("backup", create), ("verify", verify), ("restore", restore) })
        {
            Assert.True(code == 0, output);
            var lines = output.Split('\n').Where(line => line.StartsWith(verb + ": ", StringComparison.Ordinal) && line.Contains('%', StringComparison.Ordinal)).ToList();
            Assert.True(lines.Count >= 2, $"{verb}: {output}");
            Assert.All(lines, line => Assert.Matches(ProgressLine(), line));
            Assert.StartsWith(verb + ": 0% (", lines[0], StringComparison.Ordinal);
            Assert.StartsWith(verb + ": 100% (", lines[^1], StringComparison.Ordinal);
            Assert.DoesNotContain('\r', output);
            Assert.DoesNotContain("secret-name", output, StringComparison.Ordinal);
        }
    }

    [GeneratedRegex(@"^[a-z]+: \d{1,3}% \(\d+/\d+ files, \d+\.\d/\d+\.\d MiB\)$")]
    private static partial Regex ProgressLine();
}

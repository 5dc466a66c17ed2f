namespace SecureDrop.Net.Cli.Tests.Backup;

/// <summary>Damaged, truncated or wrongly unlocked backups and unsafe targets: exit 1, a clear message, nothing changed.</summary>
public sealed class BackupRefusalTests
{
    private const string Passphrase = BackupRoundTripTests.Passphrase;

    [Theory]
    [InlineData("verify")]
    [InlineData("restore")]
    public async Task FlippedByte_IsRefused_AndRestoresNothing(string command)
    {
        using var instance = await TestInstance.CreateAsync();
        await Seed.SubmissionAsync(instance, "message", ("a.bin", new byte[200_000]));
        using var work = new TempDirectory();
        var backup = await CreateAsync(instance, work);
        var bytes = await File.ReadAllBytesAsync(backup);
        bytes[bytes.Length / 2] ^= 0x01;
        await File.WriteAllBytesAsync(backup, bytes);

        var (code, output) = await RunAsync(command, backup, work.Combine("restored"));

        Assert.Equal(1, code);
        Assert.Matches("damaged|integrity|manifest", output);
        Assert.False(Directory.Exists(work.Combine("restored")));
        Assert.Single(Directory.GetFileSystemEntries(work.Path), entry => entry == backup);
    }

    [Theory]
    [InlineData("verify")]
    [InlineData("restore")]
    public async Task TruncatedBackup_IsRefused_AndRestoresNothing(string command)
    {
        using var instance = await TestInstance.CreateAsync();
        await Seed.SubmissionAsync(instance, "message", ("a.bin", new byte[200_000]));
        using var work = new TempDirectory();
        var backup = await CreateAsync(instance, work);
        var bytes = await File.ReadAllBytesAsync(backup);
        await File.WriteAllBytesAsync(backup, bytes[..(bytes.Length * 2 / 3)]);

        var (code, output) = await RunAsync(command, backup, work.Combine("restored"));

        AssertFails(code, output, "truncated");
        Assert.False(Directory.Exists(work.Combine("restored")));
    }

    [Fact]
    public async Task WrongPassphrase_IsRefusedClearly()
    {
        using var instance = await TestInstance.CreateAsync();
        using var work = new TempDirectory();
        var backup = await CreateAsync(instance, work);

        var (code, output) = await SdnetProcess.RunAsync(["backup", "verify", "--in", backup, "--passphrase-stdin"], standardInput: "not the passphrase at all, sorry");

        AssertFails(code, output, "passphrase is wrong");
    }

    [Fact]
    public async Task RestoreIntoNonEmptyDirectory_IsRefused_AndLeavesItAlone()
    {
        using var instance = await TestInstance.CreateAsync();
        using var work = new TempDirectory();
        var backup = await CreateAsync(instance, work);
        var target = Directory.CreateDirectory(work.Combine("occupied")).FullName;
        await File.WriteAllTextAsync(Path.Combine(target, "keep.txt"), "mine");

        var (code, output) = await SdnetProcess.RunAsync(["backup", "restore", "--in", backup, "--data", target, "--passphrase-stdin"], standardInput: Passphrase);

        AssertFails(code, output, "not empty");
        Assert.Equal("mine", await File.ReadAllTextAsync(Path.Combine(target, "keep.txt")));
        Assert.Single(Directory.GetFileSystemEntries(target));
    }

    [Fact]
    public async Task ShortPassphrase_IsRefused_AndWritesNoFile()
    {
        using var instance = await TestInstance.CreateAsync();
        using var work = new TempDirectory();
        var backup = work.Combine("b.backup");

        var (code, output) = await SdnetProcess.RunAsync(["backup", "create", "--data", instance.Data.Root, "--out", backup, "--passphrase-stdin"], standardInput: "short");

        AssertFails(code, output, "at least 20 characters");
        Assert.Empty(Directory.GetFileSystemEntries(work.Path));
    }

    [Fact]
    public async Task BackupToAnOperatorKey_DecryptsWithGpg_AndVerifiesWithTheSecretKey()
    {
        using var gpg = new Gpg();
        var fingerprint = await gpg.QuickGenerateKeyAsync("Operator <ops@newsroom.example>");
        using var instance = await TestInstance.CreateAsync();
        using var work = new TempDirectory();
        var publicKey = work.Combine("operator.asc");
        await File.WriteAllTextAsync(publicKey, await gpg.RunAsync("--armor", "--export", fingerprint));
        var backup = work.Combine("b.backup");

        var (code, output) = await SdnetProcess.RunAsync(["backup", "create", "--data", instance.Data.Root, "--out", backup, "--to", publicKey]);
        Assert.True(code == 0, output);

        var tar = work.Combine("b.tar");
        await gpg.RunAsync("--output", tar, "--decrypt", backup);
        Assert.True(new FileInfo(tar).Length > 0);

        // The command create prints, run as printed with SECRET.asc standing for the operator's secret key file.
        var secretKey = work.Combine("operator-secret.asc");
        await File.WriteAllBytesAsync(secretKey, await gpg.ExportSecretAsync(fingerprint, armor: true));
        var printed = output.Split('\n').Single(line => line.StartsWith("Check it with: sdnet ", StringComparison.Ordinal));
        Assert.Equal($"Check it with: sdnet backup verify --in {backup} --key SECRET.asc", printed);
        string[] check = [.. printed["Check it with: sdnet ".Length..].Split(' ').Select(word => word == "SECRET.asc" ? secretKey : word)];
        var (verifyCode, verifyOutput) = await SdnetProcess.RunAsync(check);
        Assert.True(verifyCode == 0, verifyOutput);

        // Without --key, with or without --passphrase-stdin, the refusal names --key and the key, not a passphrase.
        foreach (string[] withoutKey in new[] { new[] { "backup", "verify", "--in", backup }, ["backup", "verify", "--in", backup, "--passphrase-stdin"] })
        {
            var (refusedCode, refused) = await SdnetProcess.RunAsync(withoutKey, standardInput: Passphrase);
            AssertFails(refusedCode, refused, "add --key SECRET.asc");
            Assert.DoesNotContain("--passphrase-stdin", refused, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task CreateOverAnExistingFile_IsRefused_AndLeavesItAlone()
    {
        using var instance = await TestInstance.CreateAsync();
        using var work = new TempDirectory();
        var backup = work.Combine("b.backup");
        await File.WriteAllTextAsync(backup, "an older backup");

        var (code, output) = await SdnetProcess.RunAsync(["backup", "create", "--data", instance.Data.Root, "--out", backup, "--passphrase-stdin"], standardInput: Passphrase);

        AssertFails(code, output, "already exists");
        Assert.Equal("an older backup", await File.ReadAllTextAsync(backup));
    }

    [Fact]
    public async Task RestoreOfAPostgreSqlBackup_IntoADatabaseThatHoldsAnInstance_IsRefused_AndChangesNothing()
    {
        using var instance = await TestInstance.CreateAsync(Store.PostgreSql);
        using var work = new TempDirectory();
        var backup = await CreateAsync(instance, work);
        var target = work.Combine("restored");

        var (code, output) = await SdnetProcess.RunAsync(["backup", "restore", "--in", backup, "--data", target, "--passphrase-stdin"], instance.Environment, Passphrase);

        AssertFails(code, output, "is not empty");
        Assert.False(Directory.Exists(target));
        Assert.Equal(Core.Data.SchemaMigrations.CurrentVersion, Core.Data.SchemaMigrations.AppliedVersion(instance.Database));
    }

    [Fact]
    public async Task RestoreOfAPostgreSqlBackup_WithoutATargetDatabase_SaysWhichSettingToGive()
    {
        using var instance = await TestInstance.CreateAsync(Store.PostgreSql);
        using var work = new TempDirectory();
        var backup = await CreateAsync(instance, work);
        var target = work.Combine("restored");

        var (code, output) = await SdnetProcess.RunAsync(["backup", "restore", "--in", backup, "--data", target, "--passphrase-stdin"], standardInput: Passphrase);

        AssertFails(code, output, "set Database__PostgreSql to a new, empty database");
        Assert.False(Directory.Exists(target));
        Assert.Single(Directory.GetFileSystemEntries(work.Path));
    }

    private static async Task<string> CreateAsync(TestInstance instance, TempDirectory work)
    {
        var backup = work.Combine("instance.backup");
        var (code, output) = await SdnetProcess.RunAsync(["backup", "create", "--data", instance.Data.Root, "--out", backup, "--passphrase-stdin"], instance.Environment, Passphrase);
        Assert.True(code == 0, output);
        return backup;
    }

    private static Task<(int ExitCode, string Output)> RunAsync(string command, string backup, string restored) =>
        command == "verify"
            ? SdnetProcess.RunAsync(["backup", "verify", "--in", backup, "--passphrase-stdin"], standardInput: Passphrase)
            : SdnetProcess.RunAsync(["backup", "restore", "--in", backup, "--data", restored, "--passphrase-stdin"], standardInput: Passphrase);
}

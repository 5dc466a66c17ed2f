namespace SecureDrop.Net.Cli.Tests;

/// <summary>sdnet in-process: exit codes, messages, and that a refused command changes nothing.</summary>
public sealed class CliTests
{
    [Fact]
    public async Task Init_PrintsPassphraseAndRecoveryKeyOnce_AndCreatesAnOwnerOnlyDirectory()
    {
        using var temp = new TempDirectory();
        var data = temp.Combine("data");

        var (code, output, error) = await SdnetAsync("init", "--data", data);

        Assert.True(code == 0, error);
        Assert.Matches(@"First admin passphrase:\s+(\w+ ){6}\w+", output);
        Assert.Matches(@"Recovery key:\s+([A-Z2-7]{4}-){12}[A-Z2-7]{4}", output);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(data));
    }

    [Theory]
    [InlineData(new string[0], true, "post-quantum")]
    [InlineData(new[] { "--classic-key" }, false, "classic (not safe against a future quantum computer")]
    public async Task Init_MakesAPostQuantumKey_UnlessClassicKeyIsAsked(string[] options, bool postQuantum, string said)
    {
        using var temp = new TempDirectory();
        var data = temp.Combine("data");

        var (code, output, error) = await SdnetAsync(["init", "--data", data, .. options]);
        Assert.True(code == 0, error);

        var (exportCode, armored, _) = await SdnetAsync("keys", "export-public", "--data", data);
        Assert.Equal(0, exportCode);
        var key = NewsroomPublicKey.Parse(Encoding.ASCII.GetBytes(armored));
        Assert.Equal((postQuantum, 4), (key.IsPostQuantum, key.Version));
        Assert.Contains("Newsroom key protection:  " + said, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Init_IntoNonEmptyDirectory_IsRefusedWithExitCode1()
    {
        using var temp = new TempDirectory();
        await File.WriteAllTextAsync(temp.Combine("existing.txt"), "x");

        var (code, _, error) = await SdnetAsync("init", "--data", temp.Path);

        AssertFails(code, error, "not empty");
        Assert.Single(Directory.GetFileSystemEntries(temp.Path));
    }

    [Theory]
    [InlineData("garbage", "")]
    [InlineData("public-only", "public")]
    [InlineData("missing", "does not exist")]
    public async Task Init_WithUnusableKeyFile_FailsClearlyAndCreatesNothing(string kind, string expected)
    {
        using var temp = new TempDirectory();
        var keyFile = temp.Combine("key.asc");
        if (kind == "garbage")
        {
            await File.WriteAllTextAsync(keyFile, "this is not an OpenPGP key\n");
        }
        else if (kind == "public-only")
        {
            using var key = NewsroomSecretKey.Generate("Public only", TimeProvider.System.GetUtcNow());
            await File.WriteAllTextAsync(keyFile, key.PublicKey.ToArmored());
        }

        var data = temp.Combine("data");
        var (code, _, error) = await SdnetAsync("init", "--data", data, "--import-key", keyFile);

        Assert.Equal(1, code);
        Assert.StartsWith("sdnet: ", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.OrdinalIgnoreCase);
        Assert.False(Directory.Exists(data));
    }

    [Fact]
    public async Task Init_WithKeyMadeByGpg_UsesThatKey()
    {
        using var gpg = new Gpg();
        var fingerprint = await gpg.QuickGenerateKeyAsync("Newsroom <n@example.org>");
        using var temp = new TempDirectory();
        var keyFile = temp.Combine("key.asc");
        await File.WriteAllBytesAsync(keyFile, await gpg.ExportSecretAsync(fingerprint, armor: true));

        var (code, _, error) = await SdnetAsync("init", "--data", temp.Combine("data"), "--import-key", keyFile);
        Assert.True(code == 0, error);

        var (exportCode, armored, _) = await SdnetAsync("keys", "export-public", "--data", temp.Combine("data"));
        Assert.Equal(0, exportCode);
        Assert.Equal(fingerprint, NewsroomPublicKey.Parse(Encoding.ASCII.GetBytes(armored)).Fingerprint);
    }

    [Theory]
    [InlineData("no-such-command")]
    [InlineData("init")]
    [InlineData("serve", "elsewhere", "--data", "/tmp")]
    public async Task BadUsage_ExitsWith2(params string[] args)
    {
        var (code, _, error) = await SdnetAsync(args);

        Assert.Equal(2, code);
        Assert.Contains("sdnet --help", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commands_OnAMissingDataDirectory_SayHowToCreateOne()
    {
        using var temp = new TempDirectory();

        var (code, _, error) = await SdnetAsync("keys", "export-public", "--data", temp.Combine("nope"));

        AssertFails(code, error, "sdnet init");
    }

    [Fact]
    public async Task Export_IntoNonEmptyDirectory_IsRefused()
    {
        using var instance = await TestInstance.CreateAsync();
        using var target = new TempDirectory();
        await File.WriteAllTextAsync(target.Combine("x"), "x");

        var (code, _, error) = await SdnetAsync("export", "--data", instance.Data.Root, "--out", target.Path);

        AssertFails(code, error, "not empty");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Export_OfAPostgreSqlInstance_WithoutDatabaseSetting_IsRefused_AndLeavesNothing(bool outExists)
    {
        using var instance = await TestInstance.CreateAsync(Store.PostgreSql);
        using var target = new TempDirectory();
        var outDir = target.Combine("export");
        if (outExists)
        {
            Directory.CreateDirectory(outDir);
        }

        // This test process has no Database__PostgreSql: the instance's connection string is only in instance.Environment.
        var (code, _, error) = await SdnetAsync("export", "--data", instance.Data.Root, "--out", outDir);

        AssertFails(code, error, "set Database__PostgreSql");
        Assert.Equal(outExists, Directory.Exists(outDir));
        Assert.DoesNotContain(Directory.GetFileSystemEntries(target.Path, "*", SearchOption.AllDirectories), entry => entry != outDir);
    }

    [Fact]
    public async Task Export_WritesEachItemsExactCiphertextAndAnIndex()
    {
        using var instance = await TestInstance.CreateAsync();
        var (sourceId, _) = await Seed.SubmissionAsync(instance, "message", ("a.bin", [1, 2, 3]));
        using var target = new TempDirectory();
        var outDir = target.Combine("export");

        var (code, _, error) = await SdnetAsync("export", "--data", instance.Data.Root, "--out", outDir);

        Assert.True(code == 0, error);
        var exported = Directory.GetFiles(outDir, "*.gpg");
        Assert.Equal(2, exported.Length);
        foreach (var file in exported)
        {
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(instance.Data.VaultDirectory, Path.GetFileName(file))), await File.ReadAllBytesAsync(file));
        }

        var index = await File.ReadAllLinesAsync(Path.Combine(outDir, "index.tsv"));
        Assert.Equal(3, index.Length);
        Assert.DoesNotContain(sourceId, index[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_OnACurrentInstance_ChangesNothing()
    {
        using var instance = await TestInstance.CreateAsync();

        var (code, output, error) = await SdnetAsync("migrate", "--data", instance.Data.Root);

        Assert.True(code == 0, error);
        Assert.Contains("already at version 9", output, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output, string Error)> SdnetAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await Sdnet.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}

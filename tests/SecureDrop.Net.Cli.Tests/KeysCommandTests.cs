using SecureDrop.Net.Custody.Submissions;

namespace SecureDrop.Net.Cli.Tests;

/// <summary>sdnet keys: rotation, standby keys, destroy, and every refusal leaving the keys as they were.</summary>
public sealed class KeysCommandTests
{
    [Fact]
    public async Task Rotate_AsAdmin_MakesANewActiveKey_RetiresTheOld_AndAudits()
    {
        using var instance = await TestInstance.CreateAsync();
        var old = instance.Keys.LoadActivePublicKey().Fingerprint;
        await Seed.SubmissionAsync(instance, "before rotation");

        var (code, output, error) = await AsAdminAsync(instance, "keys", "rotate");

        Assert.True(code == 0, error);
        var records = instance.Keys.Records();
        var active = Assert.Single(records, r => r.State == NewsroomKeyState.Active);
        Assert.NotEqual(old, active.Fingerprint);
        Assert.Equal(NewsroomKeyState.Retired, Assert.Single(records, r => r.Fingerprint == old).State);
        Assert.Contains("sdnet keys rewrap", output, StringComparison.Ordinal);
        var (_, armored, _) = await RunAsync(null, "keys", "export-public", "--data", instance.Data.Root);
        Assert.Equal(active.Fingerprint, NewsroomPublicKey.Parse(Encoding.ASCII.GetBytes(armored)).Fingerprint);
        var (_, listing, _) = await RunAsync(null, "keys", "list", "--data", instance.Data.Root);
        Assert.Matches(@"retired\s+\d{4}-\d\d-\d\d\s+1\b", listing);
        Assert.Contains(await new Vault.Audit.AuditLog(instance.Database, TimeProvider.System).RecentAsync(10), e => e.Action == "rotate newsroom key" && e.Subject == active.Fingerprint);
    }

    [Fact]
    public async Task Rotate_WithTheRecoveryKey_Works()
    {
        using var instance = await TestInstance.CreateAsync();

        var (code, _, error) = await RunAsync(instance.Secrets.RecoveryKey, "keys", "rotate", "--data", instance.Data.Root, "--recovery-key");

        Assert.True(code == 0, error);
        Assert.Equal(2, instance.Keys.Records().Count);
    }

    [Theory]
    [InlineData("admin", "wrong words entirely here and there now", "passphrase of 'admin' is wrong")]
    [InlineData("nobody", "whatever", "no admin named 'nobody'")]
    [InlineData(null, "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH-IIII-JJJJ-KKKK-LLLL-MMMM", "recovery key does not open this instance's vault key")]
    [InlineData(null, "not a recovery key", "52 characters")]
    public async Task Rotate_WithABadUnlock_IsRefused_AndChangesNothing(string? admin, string secret, string expected)
    {
        using var instance = await TestInstance.CreateAsync();
        string[] unlock = admin is null ? ["--recovery-key"] : ["--as", admin];

        var error = await RefusedLeavingTheKeysAsync(instance, 1, () => RunAsync(secret, ["keys", "rotate", "--data", instance.Data.Root, .. unlock]));

        Assert.StartsWith("sdnet: ", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("keys", "rotate")]
    [InlineData("keys", "rotate", "--as", "admin", "--recovery-key")]
    [InlineData("keys", "destroy")]
    [InlineData("keys", "rewrap", "--as", "admin", "--workers", "0")]
    [InlineData("keys", "rotate", "--as", "admin", "--import", "a", "--to", "b")]
    [InlineData("journalist", "add", "Bad Name!", "--as", "admin")]
    [InlineData("secrets", "rotate-dataprotection", "--role", "worker")]
    public async Task BadUsage_ExitsWith2_AndSaysWhy(params string[] args)
    {
        using var instance = await TestInstance.CreateAsync();
        var error = await RefusedLeavingTheKeysAsync(instance, 2, () => RunAsync(instance.Secrets.AdminPassphrase, [.. args, "--data", instance.Data.Root]));

        Assert.Contains("sdnet --help", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_AddsAStandbyKey_ThatRotateToMakesActive()
    {
        using var instance = await TestInstance.CreateAsync();
        var old = instance.Keys.LoadActivePublicKey().Fingerprint;

        var (code, output, error) = await AsAdminAsync(instance, "keys", "generate");
        Assert.True(code == 0, error);
        var standby = Assert.Single(instance.Keys.Records(), r => r.State == NewsroomKeyState.Standby);
        Assert.Equal(old, instance.Keys.LoadActivePublicKey().Fingerprint);
        Assert.Contains(standby.Fingerprint, output, StringComparison.Ordinal);
        Assert.True(PublicKeyOf(standby).IsPostQuantum);

        (code, _, error) = await AsAdminAsync(instance, "keys", "generate", "--classic-key");
        Assert.True(code == 0, error);
        Assert.Single(instance.Keys.Records(), r => r.State == NewsroomKeyState.Standby && !PublicKeyOf(r).IsPostQuantum);

        (code, _, error) = await AsAdminAsync(instance, "keys", "rotate", "--to", standby.Fingerprint);
        Assert.True(code == 0, error);
        Assert.Equal(standby.Fingerprint, instance.Keys.LoadActivePublicKey().Fingerprint);
    }

    [Fact]
    public async Task Import_AKeyMadeByGpg_ThenRotateImport_OfTheSameKey_IsRefused()
    {
        using var gpg = new Gpg();
        var fingerprint = await gpg.QuickGenerateKeyAsync("Air gapped <a@example.org>");
        await gpg.AddKeyAsync(fingerprint, "cv25519", "encr");
        using var instance = await TestInstance.CreateAsync();
        var keyFile = Path.Combine(instance.Root, "key.asc");
        await File.WriteAllBytesAsync(keyFile, await gpg.ExportSecretAsync(fingerprint, armor: true));

        var (code, _, error) = await AsAdminAsync(instance, "keys", "import", keyFile);
        Assert.True(code == 0, error);
        Assert.Contains(instance.Keys.Records(), r => r.Fingerprint == fingerprint && r.State == NewsroomKeyState.Standby);

        error = await RefusedLeavingTheKeysAsync(instance, 1, () => AsAdminAsync(instance, "keys", "rotate", "--import", keyFile));
        Assert.Contains("already in this instance", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("missing")]
    [InlineData("directory")]
    [InlineData("public-only")]
    public async Task RotateImport_OfAnUnusableKeyFile_IsRefused_AndChangesNothing(string kind)
    {
        using var instance = await TestInstance.CreateAsync();
        var keyFile = Path.Combine(instance.Root, "key.asc");
        switch (kind)
        {
            case "garbage":
                await File.WriteAllTextAsync(keyFile, "not a key\n");
                break;
            case "directory":
                Directory.CreateDirectory(keyFile);
                break;
            case "public-only":
                using (var key = NewsroomSecretKey.Generate("Public", TimeProvider.System.GetUtcNow()))
                {
                    await File.WriteAllTextAsync(keyFile, key.PublicKey.ToArmored());
                }

                break;
        }

        var error = await RefusedLeavingTheKeysAsync(instance, 1, () => AsAdminAsync(instance, "keys", "rotate", "--import", keyFile));

        Assert.StartsWith("sdnet: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Destroy_WhileItemsNeedTheKey_IsRefusedWithTheCountAndTheFix()
    {
        using var instance = await TestInstance.CreateAsync();
        var old = instance.Keys.LoadActivePublicKey().Fingerprint;
        await Seed.SubmissionAsync(instance, "one", ("a.txt", [1, 2, 3]));
        Assert.Equal(0, (await AsAdminAsync(instance, "keys", "rotate")).Code);
        var error = await RefusedLeavingTheKeysAsync(instance, 1, () => AsAdminAsync(instance, "keys", "destroy", old));

        Assert.Contains("Stored data still needs key", error, StringComparison.Ordinal);
        Assert.Contains("2 item(s), 2 metadata header(s), 0 reply(ies)", error, StringComparison.Ordinal);
        Assert.Contains("sdnet keys rewrap", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("unknown")]
    [InlineData("active")]
    public async Task Destroy_OfAnUnknownOrTheActiveKey_IsRefused(string which)
    {
        using var instance = await TestInstance.CreateAsync();
        var fingerprint = which == "active" ? instance.Keys.LoadActivePublicKey().Fingerprint : new string('A', 40);
        var error = await RefusedLeavingTheKeysAsync(instance, 1, () => AsAdminAsync(instance, "keys", "destroy", fingerprint));

        Assert.Contains(which == "active" ? "active key" : "No newsroom key has the fingerprint", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rewrap_MovesEveryItemToTheNewKey_PayloadUntouched_ThenDestroyErasesTheOldKey()
    {
        using var instance = await TestInstance.CreateAsync();
        var old = instance.Keys.LoadActivePublicKey().Fingerprint;
        var content = System.Security.Cryptography.RandomNumberGenerator.GetBytes(20_000);
        var (sourceId, replyKey) = await Seed.SourceWithReplyKeyAsync(instance.Database);
        using var sourceReplyKey = replyKey;
        await Seed.SubmissionForSourceAsync(instance.Database, sourceId, "before rotation", ("a.bin", content));
        var replyId = await Seed.ReplyAsync(instance.Database, sourceId, "a reply before rotation");
        Assert.Equal(0, (await AsAdminAsync(instance, "keys", "rotate")).Code);
        var (_, listing, _) = await RunAsync(null, "keys", "list", "--data", instance.Data.Root);
        Assert.Matches(@"retired\s+\d{4}-\d\d-\d\d\s+2\s+2\s+1\b", listing);
        await Seed.SubmissionForSourceAsync(instance.Database, sourceId, "after rotation");
        var submissions = new Vault.Submissions.ItemStore(instance.Database);
        var files = new ItemFiles(instance.Data);
        var items = await submissions.ItemsOfSourceAsync(sourceId);
        var before = items.ToDictionary(i => i.Id, i => File.ReadAllBytes(files.VaultPath(i.Id)));

        var (code, output, error) = await AsAdminAsync(instance, "keys", "rewrap");

        Assert.True(code == 0, error + output);
        Assert.Contains("re-wrapped: 3/3 item(s)", output, StringComparison.Ordinal);
        Assert.Contains("2 item file(s), 2 metadata header(s), 1 reply(ies)", output, StringComparison.Ordinal);
        var active = instance.Keys.LoadActivePublicKey();
        Assert.All(await submissions.ItemsOfSourceAsync(sourceId), i => Assert.Equal(active.Fingerprint, i.NewsroomKey));
        Assert.All(await submissions.ItemsOfSourceAsync(sourceId), i => Assert.Equal([active.EncryptionKeyId], MessageDecryptor.ReadRecipientKeyIds(new MemoryStream(i.Metadata!))));
        Assert.Equal(active.Fingerprint, await new Core.Replies.ReplyStore(instance.Database, TimeProvider.System).KeyAsync(replyId));
        (_, listing, _) = await RunAsync(null, "keys", "list", "--data", instance.Data.Root);
        Assert.Matches(@"retired\s+\d{4}-\d\d-\d\d\s+0\s+0\s+0\b", listing);
        var file = items.Single(i => i.Kind == "file");
        var after = File.ReadAllBytes(files.VaultPath(file.Id));
        // The SEIPD packet (everything after the one session key packet) is byte for byte the same.
        Assert.Equal(before[file.Id].AsSpan(before[file.Id].Length - 20_000).ToArray(), after.AsSpan(after.Length - 20_000).ToArray());

        (code, _, error) = await AsAdminAsync(instance, "keys", "destroy", old);
        Assert.True(code == 0, error);
        Assert.False(File.Exists(instance.Data.SealedSecretKeyFile(old)));
        Assert.DoesNotContain(instance.Keys.Records(), r => r.Fingerprint == old);

        var vaultKey = Custody.Journalists.JournalistCredentials.Unlock(instance.Secrets.AdminPassphrase,
            (await new Custody.Journalists.JournalistStore(instance.Database, TimeProvider.System).FindByUsernameAsync("admin"))!.Secrets,
            (await new Custody.Journalists.JournalistStore(instance.Database, TimeProvider.System).FindByUsernameAsync("admin"))!.Id)!;
        var remaining = Assert.Single(new SealedNewsroomKeys(instance.Data).UnsealSecretKeys(vaultKey));
        using var plaintext = new MemoryStream();
        using (var stream = files.OpenVaultItem(file.Id))
        {
            MessageDecryptor.Decrypt(stream, remaining, plaintext);
        }

        Assert.Equal(content, plaintext.ToArray());
        var header = (await submissions.ItemAsync(file.Id))!.Metadata!;
        Assert.Equal("a.bin", ItemMetadata.Open(header, remaining).FileName);
        byte[] reply = File.ReadAllBytes(files.VaultPath(replyId));
        using var byNewsroom = new MemoryStream();
        MessageDecryptor.Decrypt(new MemoryStream(reply), remaining, byNewsroom);
        using var bySource = new MemoryStream();
        MessageDecryptor.Decrypt(new MemoryStream(reply), sourceReplyKey, bySource);
        Assert.Equal("a reply before rotation"u8.ToArray(), byNewsroom.ToArray());
        Assert.Equal(byNewsroom.ToArray(), bySource.ToArray());

        (code, output, _) = await AsAdminAsync(instance, "keys", "rewrap");
        Assert.Equal(0, code);
        Assert.Contains("Re-wrapping 0 item(s)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rewrap_OfADamagedItem_FailsThatItemClearly_AndLeavesItsFileAsItWas()
    {
        using var instance = await TestInstance.CreateAsync();
        var (sourceId, _) = await Seed.SubmissionAsync(instance, "intact", ("damaged.bin", new byte[5000]));
        Assert.Equal(0, (await AsAdminAsync(instance, "keys", "rotate")).Code);
        var files = new ItemFiles(instance.Data);
        var damaged = (await new Vault.Submissions.ItemStore(instance.Database).ItemsOfSourceAsync(sourceId)).Single(i => i.Kind == "file");
        var bytes = await File.ReadAllBytesAsync(files.VaultPath(damaged.Id));
        bytes[^100] ^= 0x01;
        await File.WriteAllBytesAsync(files.VaultPath(damaged.Id), bytes);

        var (code, output, error) = await AsAdminAsync(instance, "keys", "rewrap");

        AssertFails(code, error, "1 item(s) could not be re-wrapped", "/admin/jobs");
        Assert.Contains("re-wrapped: 2/2 item(s)", output, StringComparison.Ordinal);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(files.VaultPath(damaged.Id)));
        Assert.Empty(Directory.GetFiles(instance.Data.VaultDirectory, "*.rewrap"));
    }

    private static NewsroomPublicKey PublicKeyOf(NewsroomKeyRecord record) =>
        NewsroomPublicKey.Parse(Encoding.ASCII.GetBytes(record.ArmoredPublicKey));

    /// <summary>
    /// Runs a keys command that must end with <paramref name="exitCode"/> and leave every file under keys/ as it was;
    /// returns what it wrote to standard error.
    /// </summary>
    private static async Task<string> RefusedLeavingTheKeysAsync(TestInstance instance, int exitCode, Func<Task<(int Code, string Output, string Error)>> run)
    {
        var before = KeyFiles(instance);
        var (code, _, error) = await run();
        Assert.True(code == exitCode, $"Exit code {code}, not {exitCode}:\n{error}");
        Assert.Equal(before, KeyFiles(instance));
        return error;
    }
}

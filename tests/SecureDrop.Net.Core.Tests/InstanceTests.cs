using SecureDrop.Net.Custody.Journalists;

namespace SecureDrop.Net.Core.Tests;

public sealed class InstanceTests
{
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    [Fact]
    public async Task Initialize_CreatesOwnerOnlyDirectoryAndFiles()
    {
        using var instance = await TestInstance.CreateAsync();

        foreach (var entry in Directory.EnumerateFileSystemEntries(instance.Data.Root, "*", SearchOption.AllDirectories).Append(instance.Data.Root))
        {
            Assert.True((File.GetUnixFileMode(entry) & GroupOrOther) == 0, $"{entry} is open to other users");
        }
    }

    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.PostgreSql)]
    public async Task AdminPassphrase_UnwrapsVaultKeyThatOpensTheNewsroomKey(Store store)
    {
        using var instance = await TestInstance.CreateAsync(store);
        var journalists = new JournalistStore(instance.Database, TimeProvider.System);
        var admin = await journalists.FindByUsernameAsync("admin");

        var vaultKey = JournalistCredentials.Unlock(instance.Secrets.AdminPassphrase, admin!.Secrets, admin.Id);

        Assert.NotNull(vaultKey);
        var keys = new SealedNewsroomKeys(instance.Data).UnsealSecretKeys(vaultKey);
        Assert.Equal(instance.Keys.LoadActivePublicKey().Fingerprint, Assert.Single(keys).Fingerprint);
    }

    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.PostgreSql)]
    public async Task WrongPassphrase_UnwrapsNothing(Store store)
    {
        using var instance = await TestInstance.CreateAsync(store);
        var admin = await new JournalistStore(instance.Database, TimeProvider.System).FindByUsernameAsync("admin");

        Assert.Null(JournalistCredentials.Unlock(instance.Secrets.AdminPassphrase + " extra", admin!.Secrets, admin.Id));
    }

    [Fact]
    public async Task RecoveryKey_UnwrapsVaultKey_AndAWrongOneFails()
    {
        using var instance = await TestInstance.CreateAsync();
        var wrapped = await File.ReadAllBytesAsync(instance.Data.RecoveryWrapFile);

        var vaultKey = VaultKey.UnwrapWithRecovery(wrapped, VaultKey.ParseRecoveryKey(instance.Secrets.RecoveryKey));
        Assert.Single(new SealedNewsroomKeys(instance.Data).UnsealSecretKeys(vaultKey));

        var wrong = VaultKey.ParseRecoveryKey(instance.Secrets.RecoveryKey);
        wrong[0] ^= 1;
        Assert.Throws<Crypto.CryptoException>(() => VaultKey.UnwrapWithRecovery(wrapped, wrong));
    }

    [Fact]
    public async Task DataDirectory_OpenRefusesADirectoryOthersCanRead()
    {
        using var instance = await TestInstance.CreateAsync();
        File.SetUnixFileMode(instance.Data.Root, File.GetUnixFileMode(instance.Data.Root) | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        var error = Assert.Throws<DataDirectoryException>(() => DataDirectory.Open(instance.Data.Root));
        Assert.Contains("chmod", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DataDirectory_OpenRefusesMissingOrUninitialisedDirectory()
    {
        using var temp = new TempDirectory();

        Assert.Contains("does not exist", Assert.Throws<DataDirectoryException>(() => DataDirectory.Open(temp.Combine("missing"))).Message, StringComparison.Ordinal);
        Assert.Contains("sdnet init", Assert.Throws<DataDirectoryException>(() => DataDirectory.Open(temp.Path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Initialize_RefusesANonEmptyDirectory()
    {
        using var temp = new TempDirectory();
        await File.WriteAllTextAsync(temp.Combine("something"), "keep me");
        using var key = Crypto.NewsroomSecretKey.Generate("x", TimeProvider.System.GetUtcNow());

        await Assert.ThrowsAsync<DataDirectoryException>(() => Custody.Setup.InstanceInitializer.InitializeAsync(temp.Path, key, TimeProvider.System));
        Assert.Equal("keep me", await File.ReadAllTextAsync(temp.Combine("something")));
    }

    [Fact]
    public async Task SealedNewsroomKey_IsNotTheKeyInClear()
    {
        using var instance = await TestInstance.CreateAsync();
        var admin = await new JournalistStore(instance.Database, TimeProvider.System).FindByUsernameAsync("admin");
        var vaultKey = JournalistCredentials.Unlock(instance.Secrets.AdminPassphrase, admin!.Secrets, admin.Id)!;
        var clear = new SealedNewsroomKeys(instance.Data).UnsealSecretKeys(vaultKey).Single().ExportForStorage();

        foreach (var file in Directory.EnumerateFiles(instance.Data.Root, "*", SearchOption.AllDirectories))
        {
            var content = await File.ReadAllBytesAsync(file);
            Assert.True(content.AsSpan().IndexOf(clear.AsSpan(clear.Length - 40)) < 0, $"{file} holds secret key material in clear");
        }

        Assert.DoesNotContain("PRIVATE KEY", Encoding.ASCII.GetString(await File.ReadAllBytesAsync(instance.Data.ActivePublicKeyFile)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ActivePublicKey_IsReadAgainWhenTheFileIsReplaced_WithoutARestart()
    {
        using var instance = await TestInstance.CreateAsync();
        var keys = instance.Keys;
        var before = keys.LoadActivePublicKey().Fingerprint;
        using var replacement = Crypto.NewsroomSecretKey.Generate("Rotated", TimeProvider.System.GetUtcNow());

        File.Delete(instance.Data.ActivePublicKeyFile);
        DataDirectory.WriteOwnerOnlyFile(instance.Data.ActivePublicKeyFile, Encoding.ASCII.GetBytes(replacement.PublicKey.ToArmored()));

        Assert.NotEqual(before, replacement.Fingerprint);
        Assert.Equal(replacement.Fingerprint, keys.LoadActivePublicKey().Fingerprint);
    }
}

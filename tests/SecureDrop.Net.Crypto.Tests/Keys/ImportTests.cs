namespace SecureDrop.Net.Crypto.Tests.Keys;

/// <summary>Importing secret keys as <c>gpg --export-secret-keys</c> writes them, and refusing the unusable ones.</summary>
public sealed class ImportTests
{
    private const string Passphrase = "correct horse battery staple ünïcode";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Import_GpgCurve25519Key_MatchesGpgFingerprintsAndDecrypts(bool armor)
    {
        await using var gpg = new Gpg();
        string fingerprint = await gpg.QuickGenKeyAsync("Desk <desk@example.org>", "future-default", "default");
        List<string> fingerprints = Gpg.Fingerprints((await gpg.RunAsync(stdin: null, "--with-colons", "--list-keys", fingerprint)).StdoutText);

        using NewsroomSecretKey key = NewsroomSecretKey.Import(await gpg.ExportSecretAsync(fingerprint, armor: armor));

        Assert.Equal(fingerprint, key.Fingerprint);
        Assert.Equal(Convert.ToUInt64(fingerprints[1][^16..], 16), key.PublicKey.EncryptionKeyId);
        Assert.Equal([7, 7, 7], TestData.Decrypt(key, TestData.Encrypt(key.PublicKey, [7, 7, 7])).Plaintext);
    }

    [Fact]
    public async Task Import_PassphraseProtected_WithRightPassphrase_Works()
    {
        await using var gpg = new Gpg();
        string fingerprint = await gpg.QuickGenKeyAsync("Desk", "future-default", "default", passphrase: Passphrase);
        byte[] exported = await gpg.ExportSecretAsync(fingerprint, Passphrase);

        using NewsroomSecretKey key = NewsroomSecretKey.Import(exported, Passphrase);
        using NewsroomSecretKey reloaded = NewsroomSecretKey.FromStorageBytes(key.ExportForStorage());

        Assert.Equal(fingerprint, reloaded.Fingerprint);
        Assert.Equal([1], TestData.Decrypt(reloaded, TestData.Encrypt(key.PublicKey, [1])).Plaintext);
    }

    [Theory]
    [InlineData("wrong passphrase")]
    [InlineData("")]
    public async Task Import_PassphraseProtected_WithWrongOrMissingPassphrase_ThrowsCryptoException(string given)
    {
        await using var gpg = new Gpg();
        string fingerprint = await gpg.QuickGenKeyAsync("Desk", "future-default", "default", passphrase: Passphrase);
        byte[] exported = await gpg.ExportSecretAsync(fingerprint, Passphrase);

        var error = Assert.Throws<CryptoException>(() => NewsroomSecretKey.Import(exported, given));

        Assert.Contains("passphrase", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A newsroom may keep its certification key offline and hand over only the subkeys.</summary>
    [Fact]
    public async Task Import_ExportSecretSubkeys_WithPrimaryStub_Works()
    {
        await using var gpg = new Gpg();
        string fingerprint = await gpg.QuickGenKeyAsync("Desk", "future-default", "default");
        byte[] subkeysOnly = (await gpg.RunAsync(stdin: null, "--passphrase", "", "--export-secret-subkeys", fingerprint)).EnsureSuccess().Stdout;

        using NewsroomSecretKey key = NewsroomSecretKey.Import(subkeysOnly);
        using NewsroomSecretKey reloaded = NewsroomSecretKey.FromStorageBytes(key.ExportForStorage());

        Assert.Equal(fingerprint, reloaded.Fingerprint);
        Assert.Equal([3], TestData.Decrypt(reloaded, TestData.Encrypt(key.PublicKey, [3])).Plaintext);
    }
}

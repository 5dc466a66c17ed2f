namespace SecureDrop.Net.Crypto.Tests.Keys;

/// <summary>Keys a newsroom must not use are refused with a message that says why.</summary>
public sealed class ImportRefusalTests
{
    [Theory]
    [InlineData(new byte[] { 1, 2, 3, 4, 5, 6 }, CryptoFailure.Malformed)]
    [InlineData(new byte[] { 0x95, 0x01, 0x00 }, CryptoFailure.Truncated)]
    public void Import_Garbage_ThrowsCryptoException(byte[] garbage, CryptoFailure reason)
    {
        var error = TestData.AssertImportRefused(garbage, "OpenPGP");
        Assert.Equal(reason, error.Reason);
    }

    [Fact]
    public async Task Import_PublicKeyOnly_ThrowsCryptoException()
    {
        await using var gpg = new Gpg();
        string fingerprint = await gpg.QuickGenKeyAsync("Desk", "future-default", "default");

        byte[] exported = await gpg.ExportPublicAsync(fingerprint);

        var error = TestData.AssertImportRefused(exported, "public key");
        Assert.Equal(CryptoFailure.WrongKind, error.Reason);
    }

    [Fact]
    public async Task Import_TwoKeysConcatenated_ThrowsCryptoException()
    {
        await using var gpg = new Gpg();
        string first = await gpg.QuickGenKeyAsync("First", "future-default", "default");
        string second = await gpg.QuickGenKeyAsync("Second", "future-default", "default");
        byte[] both = [.. await gpg.ExportSecretAsync(first), .. await gpg.ExportSecretAsync(second)];

        var error = TestData.AssertImportRefused(both, "2 keys");
        Assert.Equal(CryptoFailure.WrongKind, error.Reason);
    }

    /// <summary>RSA under 3072 bits and DSA are refused, the message naming the limit or the algorithm.</summary>
    [Theory]
    [InlineData("rsa2048", "default", "3072")]
    [InlineData("dsa2048", "cert,sign", "DSA")]
    public async Task Import_WeakAlgorithm_ThrowsCryptoException(string algorithm, string usage, string named)
    {
        byte[] exported = await TestData.GpgSecretKeyAsync(gpg => gpg.QuickGenKeyAsync("Weak", algorithm, usage));

        var error = TestData.AssertImportRefused(exported, named);
        Assert.Equal(CryptoFailure.KeyRefused, error.Reason);
    }

    [Fact]
    public async Task Import_WithoutEncryptionSubkey_ThrowsCryptoException()
    {
        byte[] exported = await TestData.GpgSecretKeyAsync(gpg => gpg.QuickGenKeyAsync("Signer", "ed25519", "default"));

        TestData.AssertImportRefused(exported, "no encryption-capable subkey");
    }

    /// <summary>BouncyCastle's IsEncryptionKey says yes to any RSA key; the key flags say this one only signs.</summary>
    [Fact]
    public async Task Import_RsaSubkeyFlaggedSignOnly_IsNotTakenForEncryption()
    {
        await using var gpg = new Gpg();
        string fingerprint = await gpg.QuickGenKeyAsync("Signer", "ed25519", "cert");
        await gpg.AddKeyAsync(fingerprint, "rsa3072", "sign");
        byte[] exported = await gpg.ExportSecretAsync(fingerprint);

        TestData.AssertImportRefused(exported, "no encryption-capable subkey");
    }

    [Fact]
    public async Task Import_ExpiredSubkey_ThrowsCryptoException()
    {
        await using var gpg = new Gpg();
        string fingerprint = await gpg.QuickGenKeyAsync("Lapsed", "ed25519", "cert", "never", fakedTime: "20200101T000000!");
        await gpg.AddKeyAsync(fingerprint, "cv25519", "encr", "1y", fakedTime: "20200101T000000!");
        byte[] exported = await gpg.ExportSecretAsync(fingerprint);

        var error = TestData.AssertImportRefused(exported, "encryption subkey expired");
        Assert.Equal(CryptoFailure.KeyRefused, error.Reason);
    }

    [Fact]
    public async Task Import_ExpiredPrimaryKey_ThrowsCryptoException()
    {
        byte[] exported = await TestData.GpgSecretKeyAsync(gpg => gpg.QuickGenKeyAsync("Lapsed", "future-default", "default", "1y", fakedTime: "20200101T000000!"));

        TestData.AssertImportRefused(exported, "The key (version 4 EdDSA (legacy) on Ed25519) expired on ", "; extend its expiry (gpg --quick-set-expire");
    }

    [Fact]
    public async Task Import_RevokedKey_ThrowsCryptoException()
    {
        await using var gpg = new Gpg();
        string fingerprint = await gpg.QuickGenKeyAsync("Revoked", "future-default", "default");
        string certificate = await File.ReadAllTextAsync(Path.Combine(gpg.Home, "openpgp-revocs.d", fingerprint + ".rev"));
        await gpg.ImportAsync(System.Text.Encoding.ASCII.GetBytes(certificate.Replace(":-----BEGIN", "-----BEGIN", StringComparison.Ordinal)));

        byte[] exported = await gpg.ExportSecretAsync(fingerprint);

        var error = TestData.AssertImportRefused(exported, "The key (version 4 EdDSA (legacy) on Ed25519) has been revoked by its owner; use another key");
        Assert.Equal(CryptoFailure.KeyRefused, error.Reason);
    }

    [Fact]
    public async Task Import_EncryptionSubkeySecretMissing_ThrowsCryptoException()
    {
        await using var gpg = new Gpg();
        string fingerprint = await gpg.QuickGenKeyAsync("Card", "future-default", "default");
        string subkey = Gpg.Fingerprints((await gpg.RunAsync(stdin: null, "--with-colons", "--list-keys", fingerprint)).StdoutText)[1];
        (await gpg.RunAsync(stdin: null, "--yes", "--delete-secret-keys", subkey + "!")).EnsureSuccess();

        byte[] exported = await gpg.ExportSecretAsync(fingerprint);

        TestData.AssertImportRefused(exported, "secret material of the encryption subkey (version 4 ECDH on Curve25519) is missing", "gpg --export-secret-keys");
    }

    [Fact]
    public async Task Parse_GpgPublicKeyWithExpiredSubkey_ThrowsCryptoException()
    {
        await using var gpg = new Gpg();
        string fingerprint = await gpg.QuickGenKeyAsync("Lapsed", "ed25519", "cert", "never", fakedTime: "20200101T000000!");
        await gpg.AddKeyAsync(fingerprint, "cv25519", "encr", "1y", fakedTime: "20200101T000000!");

        byte[] exported = await gpg.ExportPublicAsync(fingerprint);

        var error = Assert.Throws<CryptoException>(() => NewsroomPublicKey.Parse(exported));

        Assert.Contains("expired", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parse_KeyValidThen_IsAcceptedAtThatTime()
    {
        await using var gpg = new Gpg();
        string fingerprint = await gpg.QuickGenKeyAsync("Lapsed", "ed25519", "cert", "never", fakedTime: "20200101T000000!");
        await gpg.AddKeyAsync(fingerprint, "cv25519", "encr", "1y", fakedTime: "20200101T000000!");

        NewsroomPublicKey key = NewsroomPublicKey.Parse(await gpg.ExportPublicAsync(fingerprint), new DateTimeOffset(2020, 6, 1, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal(fingerprint, key.Fingerprint);
    }
}

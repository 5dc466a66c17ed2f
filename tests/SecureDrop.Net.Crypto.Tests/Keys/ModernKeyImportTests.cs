namespace SecureDrop.Net.Crypto.Tests.Keys;

/// <summary>
/// RFC 9580 and RFC 9980 sample keys through the public API: version 6 keys, Argon2 + AEAD protection, ML-KEM
/// subkeys under Ed25519, ML-DSA and SLH-DSA primaries. They import, messages to them round-trip (SEIPD v2 for v6),
/// and only a wrong passphrase is called one.
/// </summary>
public sealed class ModernKeyImportTests
{
    [Theory]
    [InlineData("rfc9580/a4-v6-secret-key.asc", null, false)]
    [InlineData("rfc9580/a5-v6-locked-secret-key.asc", "correct horse battery staple", false)]
    [InlineData("rfc9980/v4-eddsa-sample-sk.asc", null, true)]
    [InlineData("rfc9980/v6-eddsa-sample-sk.asc", null, true)]
    [InlineData("rfc9980/v6-mldsa-87-sample-sk.asc", null, true)]
    [InlineData("rfc9980/v6-slhdsa-128f-sample-sk.asc", null, true)]
    public void SampleKey_Imports_AndRoundTrips(string file, string? passphrase, bool postQuantum)
    {
        using NewsroomSecretKey key = NewsroomSecretKey.Import(Vectors.Read(file), passphrase, TestData.KeyCreated.AddYears(2));
        using NewsroomSecretKey reloaded = NewsroomSecretKey.FromStorageBytes(key.ExportForStorage());
        byte[] plaintext = TestData.RandomBytes(5000);

        byte[] message = TestData.Encrypt(key.PublicKey, plaintext);

        Assert.Equal(postQuantum, key.PublicKey.IsPostQuantum);
        Assert.Equal(key.PublicKey.SupportsSeipdV2 ? 2 : 1, MessageEnvelope.Read(new MemoryStream(message)).Version);
        Assert.Equal(plaintext, TestData.Decrypt(reloaded, message).Plaintext);
        Assert.Equal(key.Fingerprint, NewsroomPublicKey.Parse(key.PublicKey.ToBinary()).Fingerprint);
    }

    [Fact]
    public void ArgonAeadKey_WrongPassphrase_SaysWrongPassphrase_AndMissingOneSaysSo()
    {
        byte[] locked = Vectors.Read("rfc9580/a5-v6-locked-secret-key.asc");

        var wrong = Assert.Throws<CryptoException>(() => NewsroomSecretKey.Import(locked, "Correct horse battery staple"));
        var missing = Assert.Throws<CryptoException>(() => NewsroomSecretKey.Import(locked));

        Assert.Contains("passphrase is wrong", wrong.Message, StringComparison.Ordinal);
        Assert.Contains("no passphrase was given", missing.Message, StringComparison.Ordinal);
        Assert.Equal(CryptoFailure.WrongPassphrase, wrong.Reason);
        Assert.Equal(CryptoFailure.NoPassphrase, missing.Reason);
    }

    /// <summary>A protection we cannot read is named as such, never as a wrong passphrase or a damaged file.</summary>
    [Fact]
    public void UnknownS2kInV6Key_IsNamed_NotCalledWrongPassphrase()
    {
        byte[] binary = Vectors.Binary("rfc9580/a5-v6-locked-secret-key.asc");
        // The first secret key packet's S2K specifier type (Argon2, 4) becomes an unassigned type (99).
        int at = Array.IndexOf(binary, (byte)0x04, 49);
        Assert.Equal(0x14, binary[at - 1]);
        binary[at] = 99;

        var error = Assert.Throws<CryptoException>(() => NewsroomSecretKey.Import(binary, "correct horse battery staple"));

        Assert.Contains("S2K method of type 99", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong", error.Message, StringComparison.Ordinal);
        Assert.Equal(CryptoFailure.UnsupportedKey, error.Reason);
        Assert.DoesNotContain("damaged", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WeakKey_RefusalNamesVersionAlgorithmAndWhatToUse()
    {
        byte[] exported = await TestData.GpgSecretKeyAsync(gpg => gpg.QuickGenKeyAsync("Weak", "rsa2048", "default"));

        TestData.AssertImportRefused(exported, "version 4 RSA 2048", "at least 3072 bits");
    }
}

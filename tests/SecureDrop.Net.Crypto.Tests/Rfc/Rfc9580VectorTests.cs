namespace SecureDrop.Net.Crypto.Tests.Rfc;

/// <summary>
/// RFC 9580's Appendix A samples (Vectors/rfc9580): the v6 certificate and secret key parse with the stated
/// fingerprints, the Argon2 + AEAD-locked key opens with its passphrase (and only with it), and every sample message
/// decrypts to "Hello, world!" — X25519 with SEIPD v2 OCB, passphrase messages with EAX, OCB and GCM, and Argon2.
/// </summary>
public sealed class Rfc9580VectorTests
{
    private const string PrimaryFingerprint = "CB186C4F0609A697E4D52DFA6C722B0C1F1E27C18A56708F6525EC27BAD9ACC9";
    private const string SubkeyFingerprint = "12C83F1E706F6308FE151A417743A1F033790E93E9978488D1DB378DA9930885";

    [Theory]
    [InlineData("rfc9580/a3-v6-certificate.asc")]
    [InlineData("rfc9580/a4-v6-secret-key.asc")]
    [InlineData("rfc9580/a5-v6-locked-secret-key.asc")]
    public void SampleV6Keys_ParseWithTheStatedFingerprints(string file)
    {
        TransferableKey key = Assert.Single(CertificateReader.ReadAll(Vectors.Read(file)));

        KeyComponent encryption = CertificateValidation.SelectEncryptionSubkey(key, now: null);

        Assert.Equal(PrimaryFingerprint, key.Primary.Key.FingerprintHex);
        Assert.Equal(SubkeyFingerprint, encryption.Key.FingerprintHex);
        Assert.Equal((6, KeyAlgorithm.Ed25519, KeyAlgorithm.X25519), (key.Primary.Key.Version, key.Primary.Key.Algorithm, encryption.Key.Algorithm));
    }

    [Fact]
    public void LockedKey_OpensWithItsPassphrase_ToTheUnlockedSampleMaterial()
    {
        TransferableKey locked = Assert.Single(CertificateReader.ReadAll(Vectors.Read("rfc9580/a5-v6-locked-secret-key.asc")));
        TransferableKey plain = Assert.Single(CertificateReader.ReadAll(Vectors.Read("rfc9580/a4-v6-secret-key.asc")));

        TransferableKey opened = KeyUnlocking.Unprotect(locked, "correct horse battery staple");

        Assert.Equal(plain.Subkeys[0].Secret!.Data, opened.Subkeys[0].Secret!.Data);
        Assert.Equal(plain.Primary.Secret!.Data, opened.Primary.Secret!.Data);
    }

    [Fact]
    public void LockedKey_WrongPassphrase_SaysTheAeadTagSaysWrongPassphrase()
    {
        TransferableKey locked = Assert.Single(CertificateReader.ReadAll(Vectors.Read("rfc9580/a5-v6-locked-secret-key.asc")));

        var error = Assert.Throws<CryptoException>(() => KeyUnlocking.Unprotect(locked, "correct horse battery stapler"));

        Assert.Equal(SecretKeyUnlock.WrongPassphrase, error.Message);
    }

    [Fact]
    public void X25519AeadOcbSample_DecryptsToHelloWorld()
    {
        using UnprotectedKey key = UnprotectedKey.Create(Assert.Single(CertificateReader.ReadAll(Vectors.Read("rfc9580/a4-v6-secret-key.asc"))));

        (byte[] plaintext, _, _) = EnvelopeDecryption.WithKey(Vectors.Binary("rfc9580/a8-x25519-aead-ocb-message.asc"), key);

        Assert.Equal("Hello, world!", Encoding.UTF8.GetString(plaintext));
    }

    [Theory]
    [InlineData("rfc9580/a9-aead-eax-message.asc")]
    [InlineData("rfc9580/a10-aead-ocb-message.asc")]
    [InlineData("rfc9580/a11-aead-gcm-message.asc")]
    public void PassphraseAeadSamples_DecryptToHelloWorld(string file)
    {
        (byte[] plaintext, _, _) = EnvelopeDecryption.WithPassphrase(Vectors.Binary(file), "password");

        Assert.Equal("Hello, world!", Encoding.UTF8.GetString(plaintext));
    }

    /// <remarks>The derivation takes Argon2's 2 GiB (m = 2^21 KiB) for a few seconds.</remarks>
    [Fact]
    public void Argon2Aes256Sample_DecryptsToHelloWorld() =>
        Assert.Equal("Hello, world!", Encoding.UTF8.GetString(EnvelopeDecryption.WithPassphrase(Vectors.Binary("rfc9580/a12-3-argon2-aes256-message.asc"), "password").Plaintext));

    [LongVectorTheory]
    [InlineData("rfc9580/a12-1-argon2-aes128-message.asc")]
    [InlineData("rfc9580/a12-2-argon2-aes192-message.asc")]
    public void Argon2Aes128And192Samples_DecryptToHelloWorld(string file)
    {
        (byte[] plaintext, _, _) = EnvelopeDecryption.WithPassphrase(Vectors.Binary(file), "password");

        Assert.Equal("Hello, world!", Encoding.UTF8.GetString(plaintext));
    }

    [Fact]
    public void V4Ed25519LegacySample_WithoutUserIdOrSubkey_IsRefusedSayingWhy()
    {
        TransferableKey key = Assert.Single(CertificateReader.ReadAll(Vectors.Read("rfc9580/a1-v4-ed25519legacy-key.asc")));

        var error = Assert.Throws<CryptoException>(() => CertificateValidation.SelectEncryptionSubkey(key, now: null));

        Assert.Equal("C959BDBAFA32A2F89A153B678CFDE12197965A9A", key.Primary.Key.FingerprintHex);
        Assert.Contains("no valid self-signature", error.Message, StringComparison.Ordinal);
    }
}

using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace SecureDrop.Net.Crypto.Tests.Keys;

public sealed class GeneratedKeyTests
{
    [Fact]
    public void Generate_MakesEd25519PrimaryAndCv25519EncryptionSubkey()
    {
        using NewsroomSecretKey key = TestData.NewKey();

        var ring = new PgpPublicKeyRing(key.PublicKey.ToBinary());
        PgpPublicKey[] keys = ring.GetPublicKeys().ToArray();
        Assert.Equal(2, keys.Length);
        Assert.Equal(4, keys[0].Version);
        Assert.Equal(PublicKeyAlgorithmTag.EdDsa_Legacy, keys[0].Algorithm);
        Assert.Equal(PublicKeyAlgorithmTag.ECDH, keys[1].Algorithm);
        var kdf = Assert.IsType<ECDHPublicBcpgKey>(keys[1].PublicKeyPacket.Key);
        Assert.Equal("1.3.6.1.4.1.3029.1.5.1", kdf.CurveOid.Id);
        Assert.Equal(HashAlgorithmTag.Sha256, kdf.HashAlgorithm);
        Assert.Equal(SymmetricKeyAlgorithmTag.Aes256, kdf.SymmetricKeyAlgorithm);
        Assert.Equal(keys[1].KeyId, unchecked((long)key.PublicKey.EncryptionKeyId));
    }

    [Fact]
    public void Generate_SelfSignaturesCarryFlagsPreferencesAndNoExpiry()
    {
        using NewsroomSecretKey key = TestData.NewKey();

        var ring = new PgpPublicKeyRing(key.PublicKey.ToBinary());
        PgpPublicKey primary = ring.GetPublicKey();
        PgpSignature selfSignature = primary.GetSignaturesForId("Newsroom <newsroom@example.org>").Single();
        PgpSignatureSubpacketVector hashed = selfSignature.GetHashedSubPackets();
        Assert.Equal(PgpKeyFlags.CanCertify | PgpKeyFlags.CanSign, hashed.GetKeyFlags());
        Assert.Equal([(int)SymmetricKeyAlgorithmTag.Aes256, (int)SymmetricKeyAlgorithmTag.Aes128], hashed.GetPreferredSymmetricAlgorithms());
        Assert.Equal([(int)HashAlgorithmTag.Sha512, (int)HashAlgorithmTag.Sha256], hashed.GetPreferredHashAlgorithms());
        Assert.True(hashed.GetFeatures().SupportsModificationDetection);
        Assert.False(hashed.HasKeyExpirationTime());

        PgpPublicKey subkey = ring.GetPublicKeys().Last();
        PgpSignature binding = subkey.GetSignaturesOfType(PgpSignature.SubkeyBinding).Single();
        Assert.Equal(PgpKeyFlags.CanEncryptCommunications | PgpKeyFlags.CanEncryptStorage, binding.GetHashedSubPackets().GetKeyFlags());
        Assert.False(binding.GetHashedSubPackets().HasKeyExpirationTime());
        Assert.Equal(TestData.KeyCreated.UtcDateTime, binding.CreationTime);
    }

    [Fact]
    public void Generate_ReportsFingerprintsAndCreationTime()
    {
        using NewsroomSecretKey key = TestData.NewKey();

        Assert.Matches("^[0-9A-F]{40}$", key.Fingerprint);
        Assert.Equal(key.Fingerprint, key.PublicKey.Fingerprint);
        Assert.Matches("^([0-9A-F]{4} ){9}[0-9A-F]{4}$", key.PublicKey.DisplayFingerprint);
        Assert.Equal(key.Fingerprint, key.PublicKey.DisplayFingerprint.Replace(" ", "", StringComparison.Ordinal));
        Assert.Equal(TestData.KeyCreated, key.PublicKey.CreatedAt);
    }

    [Fact]
    public void Generate_SubSecondCreationTime_IsTruncatedToWholeSeconds()
    {
        using NewsroomSecretKey key = NewsroomSecretKey.Generate("N", TestData.KeyCreated.AddMilliseconds(750));

        Assert.Equal(TestData.KeyCreated, key.PublicKey.CreatedAt);
    }

    [Fact]
    public void Generate_TwoKeys_AreDifferent()
    {
        using NewsroomSecretKey first = TestData.NewKey();
        using NewsroomSecretKey second = TestData.NewKey();

        Assert.NotEqual(first.Fingerprint, second.Fingerprint);
    }

    [Fact]
    public void ToArmored_HasNoVersionHeader_AndParsesBack()
    {
        using NewsroomSecretKey key = TestData.NewKey();

        string armored = key.PublicKey.ToArmored();

        Assert.StartsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----", armored, StringComparison.Ordinal);
        Assert.DoesNotContain("Version:", armored, StringComparison.Ordinal);
        NewsroomPublicKey parsed = NewsroomPublicKey.Parse(System.Text.Encoding.ASCII.GetBytes(armored));
        Assert.Equal(key.Fingerprint, parsed.Fingerprint);
        Assert.Equal(key.PublicKey.EncryptionKeyId, parsed.EncryptionKeyId);
        Assert.Equal(key.PublicKey.CreatedAt, parsed.CreatedAt);
    }

    [Fact]
    public void ToBinary_ParsesBack_AndHoldsNoSecretPackets()
    {
        using NewsroomSecretKey key = TestData.NewKey();

        byte[] binary = key.PublicKey.ToBinary();

        Assert.Equal(key.Fingerprint, NewsroomPublicKey.Parse(binary).Fingerprint);
        Assert.IsType<PgpPublicKeyRing>(new PgpObjectFactory(binary).NextPgpObject());
    }

    [Fact]
    public void ExportForStorage_FromStorageBytes_RoundTripsAndDecrypts()
    {
        using NewsroomSecretKey key = TestData.NewKey();
        byte[] message = TestData.Encrypt(key.PublicKey, [1, 2, 3]);

        using NewsroomSecretKey reloaded = NewsroomSecretKey.FromStorageBytes(key.ExportForStorage());

        Assert.Equal(key.Fingerprint, reloaded.Fingerprint);
        Assert.Equal(key.PublicKey.EncryptionKeyId, reloaded.PublicKey.EncryptionKeyId);
        Assert.Equal([1, 2, 3], TestData.Decrypt(reloaded, message).Plaintext);
    }

    [Fact]
    public void ExportForStorage_IsUnprotectedSecretRing()
    {
        using NewsroomSecretKey key = TestData.NewKey();

        var ring = Assert.IsType<PgpSecretKeyRing>(new PgpObjectFactory(key.ExportForStorage()).NextPgpObject());

        Assert.All(ring.GetSecretKeys(), secret => Assert.Equal(SecretKeyPacket.UsageNone, secret.S2kUsage));
    }

    [Fact]
    public void FromStorageBytes_SecretNotMatchingPublicKey_ThrowsCryptoException()
    {
        using NewsroomSecretKey key = TestData.NewKey();
        byte[] stored = key.ExportForStorage();

        // The Cv25519 subkey ends with its KDF parameters (03 01 08 09), then S2K usage 0 and a 255-bit MPI header.
        int secret = stored.AsSpan().IndexOf(new byte[] { 0x03, 0x01, 0x08, 0x09, 0x00, 0x00, 0xFF }) + 7;
        Assert.True(secret > 7, "the unprotected Cv25519 secret should be found");
        stored[secret + 10] ^= 0x04;

        var error = Assert.Throws<CryptoException>(() => NewsroomSecretKey.FromStorageBytes(stored));
        Assert.Contains("does not match", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Parse_TwoKeysConcatenated_ThrowsCryptoException(bool armored)
    {
        using NewsroomSecretKey first = TestData.NewKey();
        using NewsroomSecretKey second = TestData.NewKey();
        byte[] both = armored
            ? System.Text.Encoding.ASCII.GetBytes(first.PublicKey.ToArmored() + second.PublicKey.ToArmored())
            : [.. first.PublicKey.ToBinary(), .. second.PublicKey.ToBinary()];

        var error = Assert.Throws<CryptoException>(() => NewsroomPublicKey.Parse(both));

        Assert.Contains("2 keys", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dispose_ThenExport_Throws()
    {
        NewsroomSecretKey key = TestData.NewKey();

        key.Dispose();

        Assert.Throws<ObjectDisposedException>(() => key.ExportForStorage());
    }

    [Fact]
    public void Parse_SecretKey_ThrowsCryptoException()
    {
        using NewsroomSecretKey key = TestData.NewKey();

        var error = Assert.Throws<CryptoException>(() => NewsroomPublicKey.Parse(key.ExportForStorage()));

        Assert.Contains("secret key", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0x99, 0x00, 0x05, 1, 2 })]
    [InlineData(new byte[] { (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o' })]
    public void Parse_Garbage_ThrowsCryptoException(byte[] data)
    {
        var error = Assert.Throws<CryptoException>(() => NewsroomPublicKey.Parse(data));

        Assert.Contains("OpenPGP", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromStorageBytes_Garbage_ThrowsCryptoException()
    {
        Assert.Throws<CryptoException>(() => NewsroomSecretKey.FromStorageBytes(TestData.RandomBytes(200)));
    }
}

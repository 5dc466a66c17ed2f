using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Security;

namespace SecureDrop.Net.Crypto.Tests.Keys;

/// <summary>Refusals the first import tests left out: an ElGamal encryption subkey, a revoked encryption subkey.</summary>
public sealed class MoreRefusalTests
{
    [Fact]
    public async Task Import_Ed25519WithElGamalEncryptionSubkey_ThrowsCryptoException()
    {
        await using var gpg = new Gpg();
        string fingerprint = await gpg.QuickGenKeyAsync("Mixed", "future-default", "cert");
        await gpg.AddKeyAsync(fingerprint, "elg3072", "encr");

        byte[] exported = await gpg.ExportSecretAsync(fingerprint);

        TestData.AssertImportRefused(exported, "ElGamal");
    }

    [Fact]
    public void Parse_RevokedEncryptionSubkey_ThrowsCryptoException()
    {
        using NewsroomSecretKey key = TestData.NewKey();
        byte[] revoked = RevokeEncryptionSubkey(key);

        var error = Assert.Throws<CryptoException>(() => NewsroomPublicKey.Parse(revoked));

        Assert.Contains("subkey has been revoked", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SubkeyRevocationByAnotherKey_IsIgnored()
    {
        using NewsroomSecretKey key = TestData.NewKey();
        using NewsroomSecretKey stranger = TestData.NewKey("Stranger");

        byte[] forged = RevokeEncryptionSubkey(key, signer: stranger);

        Assert.Equal(key.PublicKey.EncryptionKeyId, NewsroomPublicKey.Parse(forged).EncryptionKeyId);
    }

    /// <summary>The public key of <paramref name="key"/> with a subkey revocation signature by <paramref name="signer"/>.</summary>
    private static byte[] RevokeEncryptionSubkey(NewsroomSecretKey key, NewsroomSecretKey? signer = null)
    {
        var signerRing = new PgpSecretKeyRing((signer ?? key).ExportForStorage());
        PgpPrivateKey signingKey = signerRing.GetSecretKey().ExtractPrivateKeyRaw(null);
        var ring = new PgpPublicKeyRing(key.PublicKey.ToBinary());
        PgpPublicKey subkey = ring.GetPublicKey(unchecked((long)key.PublicKey.EncryptionKeyId));

        var generator = new PgpSignatureGenerator(PublicKeyAlgorithmTag.EdDsa_Legacy, HashAlgorithmTag.Sha256);
        generator.InitSign(PgpSignature.SubkeyRevocation, signingKey, new SecureRandom());
        var hashed = new PgpSignatureSubpacketGenerator();
        hashed.SetSignatureCreationTime(false, TestData.KeyCreated.UtcDateTime.AddDays(1));
        generator.SetHashedSubpackets(hashed.Generate());
        PgpSignature revocation = generator.GenerateCertification(ring.GetPublicKey(), subkey);

        PgpPublicKeyRing revoked = PgpPublicKeyRing.InsertPublicKey(ring, PgpPublicKey.AddCertification(subkey, revocation));
        return revoked.GetEncoded();
    }
}

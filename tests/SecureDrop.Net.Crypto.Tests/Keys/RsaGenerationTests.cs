using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace SecureDrop.Net.Crypto.Tests.Keys;

public sealed class RsaGenerationTests
{
    [Fact]
    public void GenerateRsa4096_MakesRsaCertifySignPrimaryAndRsaEncryptionSubkey()
    {
        using NewsroomSecretKey key = NewsroomSecretKey.FromStorageBytes(SharedKeys.Rsa4096StorageBytes);

        PgpPublicKey[] keys = new PgpPublicKeyRing(key.PublicKey.ToBinary()).GetPublicKeys().ToArray();

        Assert.Equal(2, keys.Length);
        Assert.All(keys, k => Assert.Equal(PublicKeyAlgorithmTag.RsaGeneral, k.Algorithm));
        Assert.All(keys, k => Assert.Equal(4096, k.BitStrength));
        Assert.Equal(PgpKeyFlags.CanCertify | PgpKeyFlags.CanSign, keys[0].GetSignaturesForId("RSA Desk <rsa@example.org>").Single().GetHashedSubPackets().GetKeyFlags());
        Assert.Equal(keys[1].KeyId, unchecked((long)key.PublicKey.EncryptionKeyId));
        Assert.Equal(TestData.KeyCreated, key.PublicKey.CreatedAt);
    }

    [Fact]
    public void GenerateRsa4096_RoundTripsThroughParseAndStorage()
    {
        using NewsroomSecretKey key = NewsroomSecretKey.FromStorageBytes(SharedKeys.Rsa4096StorageBytes);

        NewsroomPublicKey parsed = NewsroomPublicKey.Parse(System.Text.Encoding.ASCII.GetBytes(key.PublicKey.ToArmored()));
        byte[] message = TestData.Encrypt(parsed, [1, 2, 3]);

        Assert.Equal(key.Fingerprint, parsed.Fingerprint);
        Assert.Equal([1, 2, 3], TestData.Decrypt(key, message).Plaintext);
    }

    [Fact]
    public void Generate_UnknownAlgorithm_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => NewsroomSecretKey.Generate("x", TestData.KeyCreated, (NewsroomKeyAlgorithm)7));
    }
}

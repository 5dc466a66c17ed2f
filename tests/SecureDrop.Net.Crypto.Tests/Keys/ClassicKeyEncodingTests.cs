using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Security;

namespace SecureDrop.Net.Crypto.Tests.Keys;

/// <summary>
/// Keys that worked before the packet layer was ours still come out byte for byte as BouncyCastle wrote them: the
/// published public key (landing page, /public-key) and the unprotected bytes sealed in storage, for a key gpg
/// made (unprotected and passphrase-protected) and for the classic key we generate.
/// </summary>
public sealed class ClassicKeyEncodingTests
{
    private const string Passphrase = "correct horse battery staple ünïcode";

    [Theory]
    [InlineData("")]
    [InlineData(Passphrase)]
    public async Task GpgKey_PublicAndStorageBytes_AreWhatBouncyCastleWrites(string passphrase)
    {
        await using var gpg = new Gpg();
        string fingerprint = await gpg.QuickGenKeyAsync("Desk <desk@example.org>", "future-default", "default", passphrase: passphrase);
        byte[] exported = await gpg.ExportSecretAsync(fingerprint, passphrase);

        using NewsroomSecretKey key = NewsroomSecretKey.Import(exported, passphrase);

        PgpSecretKeyRing ring = BouncyCastleUnlocked(exported, passphrase);
        Assert.Equal(BouncyCastlePublic(ring), key.PublicKey.ToBinary());
        Assert.Equal(ring.GetEncoded(), key.ExportForStorage());
    }

    [Fact]
    public void GeneratedClassicKey_PublicAndStorageBytes_AreWhatBouncyCastleWrites()
    {
        using NewsroomSecretKey key = TestData.NewKey();
        byte[] stored = key.ExportForStorage();

        var ring = new PgpSecretKeyRing(stored);

        Assert.Equal(ring.GetEncoded(), stored);
        Assert.Equal(BouncyCastlePublic(ring), key.PublicKey.ToBinary());
    }

    private static PgpSecretKeyRing BouncyCastleUnlocked(byte[] armored, string passphrase)
    {
        var ring = new PgpSecretKeyRing(PgpUtilities.GetDecoderStream(new MemoryStream(armored)));
        if (passphrase.Length == 0)
        {
            return ring;
        }

        byte[] raw = System.Text.Encoding.UTF8.GetBytes(passphrase);
        foreach (PgpSecretKey secret in ring.GetSecretKeys().ToList())
        {
            ring = PgpSecretKeyRing.InsertSecretKey(ring, PgpSecretKey.CopyWithNewPasswordRaw(secret, raw, null, SymmetricKeyAlgorithmTag.Null, new SecureRandom()));
        }

        return ring;
    }

    private static byte[] BouncyCastlePublic(PgpSecretKeyRing ring)
    {
        using var output = new MemoryStream();
        foreach (PgpPublicKey key in ring.GetPublicKeys())
        {
            key.Encode(output, forTransfer: true);
        }

        return output.ToArray();
    }
}

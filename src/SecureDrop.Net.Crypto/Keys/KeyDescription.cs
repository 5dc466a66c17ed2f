using Org.BouncyCastle.Bcpg;

namespace SecureDrop.Net.Crypto;

/// <summary>Names a newsroom key's encryption algorithm and size for operators ("RSA 4096", "Cv25519"), as 'sdnet check' reports it.</summary>
public static class KeyDescription
{
    public static string Of(NewsroomPublicKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var encryption = key.EncryptionKey;
        return encryption.Algorithm switch
        {
            PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaEncrypt => $"RSA {encryption.BitStrength}",
            PublicKeyAlgorithmTag.ECDH => "Cv25519",
            _ => encryption.Algorithm.ToString(),
        };
    }
}

using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto.Parameters;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Checks that a decryption key's secret half belongs to its public half. OpenPGP's two-octet checksum of
/// unprotected secret material is not checked by BouncyCastle, and a key file can pair a public key with someone
/// else's secret: either way messages would be encrypted to a key we cannot decrypt with.
/// </summary>
internal static class KeyPairCheck
{
    public static bool Matches(PgpPrivateKey privateKey, PgpPublicKey publicKey) =>
        (privateKey.Key, publicKey.GetKey()) switch
        {
            (X25519PrivateKeyParameters secret, X25519PublicKeyParameters expected) =>
                secret.GeneratePublicKey().GetEncoded().AsSpan().SequenceEqual(expected.GetEncoded()),
            (RsaPrivateCrtKeyParameters secret, RsaKeyParameters expected) =>
                secret.Modulus.Equals(expected.Modulus) && secret.PublicExponent.Equals(expected.Exponent),
            _ => false,
        };
}

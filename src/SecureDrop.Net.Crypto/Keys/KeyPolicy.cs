using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Gnu;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Which newsroom keys are strong enough: OpenPGP v4 keys as GnuPG 2.2 makes them, RSA of at least 3072 bits
/// (NIST SP 800-57's 128-bit level) or Ed25519 with a Cv25519 encryption subkey. DSA and ElGamal are refused:
/// GnuPG 2.2 caps DSA at 3072 bits and both are legacy algorithms that the tools are phasing out.
/// </summary>
internal static class KeyPolicy
{
    public const int MinimumRsaBits = 3072;

    /// <summary>
    /// The OID GnuPG uses for Curve25519 in legacy ECDH keys (RFC 4880bis); BouncyCastle keeps its constant internal.
    /// </summary>
    public static readonly DerObjectIdentifier Curve25519Legacy = new("1.3.6.1.4.1.3029.1.5.1");

    /// <summary>The reason the primary key is unacceptable, or null when it is acceptable.</summary>
    public static string? RejectPrimary(PgpPublicKey primary)
    {
        if (primary.Version != 4)
        {
            return $"Only OpenPGP version 4 keys are accepted; this key is version {primary.Version}.";
        }

        return primary.Algorithm switch
        {
            PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaSign => RejectRsa(primary, "primary key"),
            PublicKeyAlgorithmTag.EdDsa_Legacy when IsCurve(primary, GnuObjectIdentifiers.Ed25519) => null,
            PublicKeyAlgorithmTag.Dsa or PublicKeyAlgorithmTag.ElGamalEncrypt or PublicKeyAlgorithmTag.ElGamalGeneral =>
                "DSA and ElGamal keys are not accepted; use an RSA (3072 bits or more) or Ed25519 key.",
            _ => $"The primary key's algorithm ({primary.Algorithm}) is not accepted; use RSA (3072 bits or more) or Ed25519.",
        };
    }

    /// <summary>The reason an encryption subkey is unacceptable, or null when it is acceptable.</summary>
    public static string? RejectEncryptionSubkey(PgpPublicKey subkey)
    {
        if (subkey.Version != 4)
        {
            return $"Only OpenPGP version 4 keys are accepted; the encryption subkey is version {subkey.Version}.";
        }

        return subkey.Algorithm switch
        {
            PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaEncrypt => RejectRsa(subkey, "encryption subkey"),
            PublicKeyAlgorithmTag.ECDH when IsCurve(subkey, Curve25519Legacy) => null,
            PublicKeyAlgorithmTag.ElGamalEncrypt or PublicKeyAlgorithmTag.ElGamalGeneral or PublicKeyAlgorithmTag.Dsa =>
                "DSA and ElGamal keys are not accepted; the encryption subkey is ElGamal. Use RSA (3072 bits or more) or Cv25519.",
            _ => $"The encryption subkey's algorithm ({subkey.Algorithm}) is not accepted; use RSA (3072 bits or more) or Cv25519.",
        };
    }

    private static string? RejectRsa(PgpPublicKey key, string role) =>
        key.BitStrength >= MinimumRsaBits
            ? null
            : $"RSA keys must have at least {MinimumRsaBits} bits; the {role} has {key.BitStrength} bits.";

    private static bool IsCurve(PgpPublicKey key, DerObjectIdentifier curve) =>
        key.PublicKeyPacket.Key is ECPublicBcpgKey ec && curve.Equals(ec.CurveOid);
}

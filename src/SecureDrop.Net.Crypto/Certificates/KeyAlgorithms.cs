using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.Parameters;

namespace SecureDrop.Net.Crypto;

/// <summary>OpenPGP public-key algorithm ids (RFC 9580 §9.1, RFC 9980 §4.1) that this library names or uses.</summary>
internal static class KeyAlgorithm
{
    public const int Rsa = 1;
    public const int RsaEncryptOnly = 2;
    public const int RsaSignOnly = 3;
    public const int ElGamalEncryptOnly = 16;
    public const int Dsa = 17;
    public const int Ecdh = 18;
    public const int Ecdsa = 19;
    public const int ElGamal = 20;
    public const int EdDsaLegacy = 22;
    public const int X25519 = 25;
    public const int X448 = 26;
    public const int Ed25519 = 27;
    public const int Ed448 = 28;
    public const int MlDsa65Ed25519 = 30;
    public const int MlDsa87Ed448 = 31;
    public const int SlhDsaShake128s = 32;
    public const int SlhDsaShake128f = 33;
    public const int SlhDsaShake256s = 34;
    public const int MlKem768X25519 = 35;
    public const int MlKem1024X448 = 36;

    public static bool IsRsa(int algorithm) => algorithm is Rsa or RsaEncryptOnly or RsaSignOnly;

    public static bool IsPostQuantum(int algorithm) => algorithm is >= MlDsa65Ed25519 and <= MlKem1024X448;

    /// <summary>The algorithm's name as operators see it, e.g. "ML-KEM-768+X25519 (algorithm 35)".</summary>
    public static string Name(int algorithm) => algorithm switch
    {
        Rsa or RsaEncryptOnly or RsaSignOnly => "RSA",
        ElGamalEncryptOnly or ElGamal => "ElGamal",
        Dsa => "DSA",
        Ecdh => "ECDH",
        Ecdsa => "ECDSA",
        EdDsaLegacy => "EdDSA (legacy)",
        X25519 => "X25519",
        X448 => "X448",
        Ed25519 => "Ed25519",
        Ed448 => "Ed448",
        MlDsa65Ed25519 => "ML-DSA-65+Ed25519",
        MlDsa87Ed448 => "ML-DSA-87+Ed448",
        SlhDsaShake128s => "SLH-DSA-SHAKE-128s",
        SlhDsaShake128f => "SLH-DSA-SHAKE-128f",
        SlhDsaShake256s => "SLH-DSA-SHAKE-256s",
        MlKem768X25519 => "ML-KEM-768+X25519",
        MlKem1024X448 => "ML-KEM-1024+X448",
        _ => $"unknown algorithm {algorithm}",
    };
}

/// <summary>
/// The elliptic curves of RFC 9580 §9.2 by their OpenPGP OID encoding (the DER content octets, without tag and
/// length, as key packets carry them).
/// </summary>
internal static class Curves
{
    public static readonly DerObjectIdentifier NistP256 = new("1.2.840.10045.3.1.7");
    public static readonly DerObjectIdentifier NistP384 = new("1.3.132.0.34");
    public static readonly DerObjectIdentifier NistP521 = new("1.3.132.0.35");
    public static readonly DerObjectIdentifier BrainpoolP256 = new("1.3.36.3.3.2.8.1.1.7");
    public static readonly DerObjectIdentifier BrainpoolP384 = new("1.3.36.3.3.2.8.1.1.11");
    public static readonly DerObjectIdentifier BrainpoolP512 = new("1.3.36.3.3.2.8.1.1.13");
    public static readonly DerObjectIdentifier Ed25519Legacy = new("1.3.6.1.4.1.11591.15.1");
    public static readonly DerObjectIdentifier Curve25519Legacy = new("1.3.6.1.4.1.3029.1.5.1");

    /// <summary>The curves whose points are SEC1-encoded and used with ECDSA and ECDH (the NIST and brainpool curves).</summary>
    private static readonly DerObjectIdentifier[] Weierstrass = [NistP256, NistP384, NistP521, BrainpoolP256, BrainpoolP384, BrainpoolP512];

    public static DerObjectIdentifier? FromEncoded(byte[] content)
    {
        if (content.Length is 0 or > 32)
        {
            return null;
        }

        try
        {
            return DerObjectIdentifier.GetInstance(new byte[] { 0x06, (byte)content.Length }.Concat(content).ToArray());
        }
        catch (Exception e) when (OpenPgpInput.IsLibraryFailure(e))
        {
            // Not a well-formed OID: an unknown curve, which the policy names as such.
            return null;
        }
    }

    public static byte[] Encoded(DerObjectIdentifier curve) => curve.GetEncoded()[2..];

    public static bool IsWeierstrass(DerObjectIdentifier curve) => Weierstrass.Any(curve.Equals);

    public static ECDomainParameters Domain(DerObjectIdentifier curve)
    {
        X9ECParameters parameters = ECNamedCurveTable.GetByOid(curve)
            ?? throw new CryptoException(CryptoFailure.UnsupportedKey, $"The elliptic curve {Name(curve)} is not supported.");
        return new ECDomainParameters(parameters);
    }

    /// <summary>The size in octets of one coordinate (and of a secret scalar) on <paramref name="curve"/>.</summary>
    public static int FieldOctets(DerObjectIdentifier curve) => (Domain(curve).Curve.FieldSize + 7) / 8;

    public static string Name(DerObjectIdentifier curve) =>
        curve.Equals(NistP256) ? "NIST P-256"
        : curve.Equals(NistP384) ? "NIST P-384"
        : curve.Equals(NistP521) ? "NIST P-521"
        : curve.Equals(BrainpoolP256) ? "brainpoolP256r1"
        : curve.Equals(BrainpoolP384) ? "brainpoolP384r1"
        : curve.Equals(BrainpoolP512) ? "brainpoolP512r1"
        : curve.Equals(Ed25519Legacy) ? "Ed25519"
        : curve.Equals(Curve25519Legacy) ? "Curve25519"
        : $"OID {curve.Id}";
}

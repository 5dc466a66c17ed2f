using Org.BouncyCastle.Asn1;

namespace SecureDrop.Net.Crypto;

/// <summary>The algorithm-specific public fields of a key packet (RFC 9580 §5.5.5, RFC 9980 §5.3.2).</summary>
internal abstract record KeyMaterial;

/// <summary>RSA: modulus n and exponent e, magnitude octets.</summary>
internal sealed record RsaKeyMaterial(byte[] Modulus, byte[] Exponent) : KeyMaterial
{
    public int Bits => Modulus.Length == 0 ? 0 : ((Modulus.Length - 1) * 8) + (32 - System.Numerics.BitOperations.LeadingZeroCount((uint)Modulus[0]));
}

/// <summary>ECDSA, legacy EdDSA and ECDH: a curve, a point (an MPI's octets) and, for ECDH, the KDF hash and wrap cipher.</summary>
internal sealed record EcKeyMaterial(DerObjectIdentifier? Curve, byte[] EncodedCurve, byte[] Point, int KdfHash = 0, int KdfCipher = 0) : KeyMaterial;

/// <summary>X25519, X448, Ed25519, Ed448 and SLH-DSA: one fixed-length octet string.</summary>
internal sealed record NativeKeyMaterial(byte[] Key) : KeyMaterial;

/// <summary>RFC 9980's composites: the ECC key then the ML-KEM or ML-DSA key, each of fixed length.</summary>
internal sealed record CompositeKeyMaterial(byte[] Ecc, byte[] PostQuantum) : KeyMaterial;

/// <summary>An algorithm we only name (DSA, ElGamal, unknown ids): its fields are kept as they are, never used.</summary>
internal sealed record OpaqueKeyMaterial(byte[] Fields) : KeyMaterial;

/// <summary>Fixed field lengths of the algorithms whose public key is not made of MPIs.</summary>
internal static class FixedLengths
{
    /// <summary>(ECC part, post-quantum part) of a public key; (length, 0) for a single native key; null for MPI-based ones.</summary>
    public static (int Ecc, int PostQuantum)? PublicKey(int algorithm) => algorithm switch
    {
        KeyAlgorithm.X25519 or KeyAlgorithm.Ed25519 => (32, 0),
        KeyAlgorithm.X448 => (56, 0),
        KeyAlgorithm.Ed448 => (57, 0),
        KeyAlgorithm.MlDsa65Ed25519 => (32, 1952),
        KeyAlgorithm.MlDsa87Ed448 => (57, 2592),
        KeyAlgorithm.SlhDsaShake128s or KeyAlgorithm.SlhDsaShake128f => (32, 0),
        KeyAlgorithm.SlhDsaShake256s => (64, 0),
        KeyAlgorithm.MlKem768X25519 => (32, 1184),
        KeyAlgorithm.MlKem1024X448 => (56, 1568),
        _ => null,
    };

    /// <summary>Length of the secret key fields of a native or composite algorithm; null for MPI-based ones.</summary>
    public static int? SecretKey(int algorithm) => algorithm switch
    {
        KeyAlgorithm.X25519 or KeyAlgorithm.Ed25519 => 32,
        KeyAlgorithm.X448 => 56,
        KeyAlgorithm.Ed448 => 57,
        KeyAlgorithm.MlDsa65Ed25519 => 32 + 32,
        KeyAlgorithm.MlDsa87Ed448 => 57 + 32,
        KeyAlgorithm.SlhDsaShake128s or KeyAlgorithm.SlhDsaShake128f => 64,
        KeyAlgorithm.SlhDsaShake256s => 128,
        KeyAlgorithm.MlKem768X25519 => 32 + 64,
        KeyAlgorithm.MlKem1024X448 => 56 + 64,
        _ => null,
    };
}

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Which newsroom keys are strong enough, for version 4 and version 6 keys alike: RSA of at least 3072 bits (NIST
/// SP 800-57's 128-bit level), Curve25519 and Curve448 (legacy and RFC 9580 algorithm ids), ECDSA and ECDH on the
/// NIST and brainpool curves, and RFC 9980's post-quantum algorithms. DSA and ElGamal are refused: GnuPG 2.2 caps DSA
/// at 3072 bits and both are legacy algorithms that the tools are phasing out. Each refusal names the key's
/// version and algorithm and says what to use instead.
/// </summary>
internal static class CertificatePolicy
{
    public const int MinimumRsaBits = 3072;

    private const string UseInstead = "use RSA (3072 bits or more), Ed25519, Ed448, or ECDSA on a NIST or brainpool curve";
    private const string EncryptInstead = "use RSA (3072 bits or more), X25519/Cv25519, X448, ECDH on a NIST or brainpool curve, or ML-KEM";

    /// <summary>The reason the primary key is unacceptable, or null when it is acceptable.</summary>
    public static string? RejectPrimary(KeyPacket key) => (key.Algorithm, key.Material) switch
    {
        (KeyAlgorithm.Rsa or KeyAlgorithm.RsaSignOnly, RsaKeyMaterial rsa) => RejectRsa(key, rsa, "primary key"),
        (KeyAlgorithm.EdDsaLegacy, EcKeyMaterial ec) when Curves.Ed25519Legacy.Equals(ec.Curve) =>
            key.Version == 4 ? null : $"The primary key is a {key.Description} key, which RFC 9580 forbids in version 6 keys; use algorithm Ed25519 (27).",
        (KeyAlgorithm.Ecdsa, EcKeyMaterial ec) when ec.Curve is { } curve && Curves.IsWeierstrass(curve) => null,
        (KeyAlgorithm.Ed25519 or KeyAlgorithm.Ed448, _) => null,
        (KeyAlgorithm.MlDsa65Ed25519 or KeyAlgorithm.MlDsa87Ed448 or KeyAlgorithm.SlhDsaShake128s
            or KeyAlgorithm.SlhDsaShake128f or KeyAlgorithm.SlhDsaShake256s, _) =>
            key.Version == 6 ? null : $"The primary key is a {key.Description} key; RFC 9980 defines {KeyAlgorithm.Name(key.Algorithm)} for version 6 keys only.",
        (KeyAlgorithm.Dsa or KeyAlgorithm.ElGamal or KeyAlgorithm.ElGamalEncryptOnly, _) =>
            $"DSA and ElGamal keys are not accepted; the primary key is a {key.Description} key. Use an RSA (3072 bits or more) or Ed25519 key.",
        _ => $"The primary key's algorithm ({key.Description}) is not accepted; {UseInstead}.",
    };

    /// <summary>The reason an encryption subkey of <paramref name="primary"/> is unacceptable, or null.</summary>
    public static string? RejectEncryptionSubkey(KeyPacket primary, KeyPacket subkey)
    {
        if (subkey.Version != primary.Version)
        {
            return $"The encryption subkey is a version {subkey.Version} key under a version {primary.Version} primary key; RFC 9580 does not allow mixing versions.";
        }

        return (subkey.Algorithm, subkey.Material) switch
        {
            (KeyAlgorithm.Rsa or KeyAlgorithm.RsaEncryptOnly, RsaKeyMaterial rsa) => RejectRsa(subkey, rsa, "encryption subkey"),
            (KeyAlgorithm.Ecdh, EcKeyMaterial ec) when Curves.Curve25519Legacy.Equals(ec.Curve) =>
                subkey.Version == 4 && ec.Point.Length == 33 && ec.Point[0] == 0x40 ? RejectKdf(subkey, ec)
                : $"The encryption subkey is a {subkey.Description} key, which RFC 9580 forbids in version 6 keys; use algorithm X25519 (25).",
            (KeyAlgorithm.Ecdh, EcKeyMaterial ec) when ec.Curve is { } curve && Curves.IsWeierstrass(curve) => RejectKdf(subkey, ec),
            (KeyAlgorithm.X25519 or KeyAlgorithm.X448 or KeyAlgorithm.MlKem768X25519, _) => null,
            (KeyAlgorithm.MlKem1024X448, _) => subkey.Version == 6 ? null
                : $"The encryption subkey is a {subkey.Description} key; RFC 9980 defines ML-KEM-1024+X448 (algorithm 36) for version 6 keys only. Use ML-KEM-768+X25519 (algorithm 35) in a version 4 key.",
            (KeyAlgorithm.ElGamal or KeyAlgorithm.ElGamalEncryptOnly or KeyAlgorithm.Dsa, _) =>
                $"DSA and ElGamal keys are not accepted; the encryption subkey is {subkey.Description} (ElGamal). Use RSA (3072 bits or more) or Cv25519.",
            _ => $"The encryption subkey's algorithm ({subkey.Description}) is not accepted; {EncryptInstead}.",
        };
    }

    private static string? RejectRsa(KeyPacket key, RsaKeyMaterial rsa, string role) =>
        rsa.Bits >= MinimumRsaBits
            ? null
            : $"RSA keys must have at least {MinimumRsaBits} bits; the {role} ({key.Description}) has {rsa.Bits} bits.";

    /// <summary>RFC 9580 §11.5: the ECDH KDF must be SHA-256 or stronger, the wrap AES.</summary>
    private static string? RejectKdf(KeyPacket key, EcKeyMaterial ec) =>
        ec.KdfHash is HashAlgorithms.Sha256 or HashAlgorithms.Sha384 or HashAlgorithms.Sha512 or HashAlgorithms.Sha3_256 or HashAlgorithms.Sha3_512
            && SymmetricAlgorithms.IsAes(ec.KdfCipher)
            ? null
            : $"The encryption subkey ({key.Description}) uses KDF hash {ec.KdfHash} and wrap cipher {SymmetricAlgorithms.Name(ec.KdfCipher)}; an ECDH key needs SHA-256 or stronger and AES.";
}

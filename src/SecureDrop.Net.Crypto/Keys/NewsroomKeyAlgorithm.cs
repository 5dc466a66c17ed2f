namespace SecureDrop.Net.Crypto;

/// <summary>Which kind of OpenPGP v4 key <c>NewsroomSecretKey.Generate</c> (SecureDrop.Net.Crypto.Newsroom) makes.</summary>
public enum NewsroomKeyAlgorithm
{
    /// <summary>
    /// Ed25519 certify+sign primary, Cv25519 encryption subkey: GnuPG 2.2's default, read by every stock tool; not
    /// safe against a future quantum computer. The classic choice (<c>--classic-key</c>).
    /// </summary>
    Curve25519 = 0,

    /// <summary>RSA 4096 certify+sign primary and RSA 4096 encryption subkey, for newsrooms whose policy requires RSA.</summary>
    Rsa4096 = 1,

    /// <summary>
    /// Ed25519 primary, ML-KEM-768+X25519 encryption subkey (RFC 9980, algorithm 35): safe against a future quantum
    /// computer while either ML-KEM or X25519 holds. The default.
    /// </summary>
    PostQuantum = 2,
}

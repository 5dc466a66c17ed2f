namespace SecureDrop.Net.Crypto;

/// <summary>Which kind of OpenPGP v4 key <see cref="NewsroomSecretKey.Generate(string, DateTimeOffset, NewsroomKeyAlgorithm)"/> makes.</summary>
public enum NewsroomKeyAlgorithm
{
    /// <summary>Ed25519 certify+sign primary, Cv25519 encryption subkey: small, fast, GnuPG 2.2's default. The default.</summary>
    Curve25519 = 0,

    /// <summary>RSA 4096 certify+sign primary and RSA 4096 encryption subkey, for newsrooms whose policy requires RSA.</summary>
    Rsa4096 = 1,
}

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Names a newsroom key's encryption algorithm for operators, with its version and whether it is post-quantum
/// ("ML-KEM-768+X25519, v4, post-quantum", "Cv25519, v4, classic", "RSA 4096, v4, classic"), as 'sdnet check'
/// and the key listings report it.
/// </summary>
public static class KeyDescription
{
    public static string Of(NewsroomPublicKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        KeyPacket encryption = key.EncryptionKey;
        string algorithm = encryption.Material switch
        {
            EcKeyMaterial ec when Curves.Curve25519Legacy.Equals(ec.Curve) => "Cv25519",
            EcKeyMaterial ec when ec.Curve is { } curve => $"ECDH {Curves.Name(curve)}",
            RsaKeyMaterial rsa => $"RSA {rsa.Bits}",
            _ => KeyAlgorithm.Name(encryption.Algorithm),
        };
        return $"{algorithm}, v{key.Version}, {(key.IsPostQuantum ? "post-quantum" : "classic")}";
    }
}

using System.Security.Cryptography;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// A source's reply key: an OpenPGP v4 key (Ed25519 primary, ML-KEM-768+X25519 encryption subkey; Cv25519 in keys
/// made before post-quantum reply keys, until the source's next sign-in adds one) made when the source is
/// created. Its secret half is stored only sealed under a key derived from the source's codename, and unlocked into
/// the submission front end's memory for the length of that source's session. It opens replies and nothing else:
/// a newsroom message is never encrypted to it.
/// </summary>
/// <remarks>
/// Kept apart from the newsroom's secret key on purpose: that type lives in SecureDrop.Net.Crypto.Newsroom, which
/// the front end does not reference, while this one is all the front end needs to show a source its replies. <see cref="Dispose"/> drops the private key references (best effort: BouncyCastle keeps
/// key values in immutable big integers).
/// </remarks>
public sealed class SourceReplySecretKey : IDisposable
{
    private const string UserId = "SecureDrop.Net source";
    private readonly UnprotectedKeyRing _key;

    private SourceReplySecretKey(UnprotectedKeyRing key)
    {
        _key = key;
        PublicKey = SourceReplyPublicKey.From(key.PublicKey);
    }

    /// <summary>The encrypt-only half, for the source's row.</summary>
    public SourceReplyPublicKey PublicKey { get; }

    /// <summary>
    /// Generates a new post-quantum reply key (Ed25519 primary, ML-KEM-768+X25519 subkey, as the newsroom's default):
    /// a reply kept by an adversary until a quantum computer exists stays closed. Its user id names no one.
    /// </summary>
    public static SourceReplySecretKey Generate(DateTimeOffset creationTime) =>
        new(UnprotectedKeyRing.Generate(UserId, creationTime, NewsroomKeyAlgorithm.PostQuantum));

    /// <summary>
    /// This key with an ML-KEM-768+X25519 subkey added (a reply key made before post-quantum reply keys): replies
    /// sent from now on go to it, older ones still open with the classic subkey. The caller seals and stores it.
    /// </summary>
    public SourceReplySecretKey WithPostQuantumSubkey(DateTimeOffset now)
    {
        byte[] stored = _key.ExportForStorage();
        byte[]? extended = null;
        try
        {
            var created = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds()).UtcDateTime;
            extended = PostQuantumKeyGenerator.AddSubkey(TransferableKey.ReadAll(RawPackets.Read(stored))[0], created);
            return FromStorageBytes(extended);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(stored);
            if (extended is not null)
            {
                CryptographicOperations.ZeroMemory(extended);
            }
        }
    }

    /// <summary>Reloads bytes made by <see cref="ExportForStorage"/> (after opening their seal).</summary>
    /// <exception cref="CryptoException">When the bytes are not an unprotected key ring with an encryption subkey.</exception>
    public static SourceReplySecretKey FromStorageBytes(ReadOnlySpan<byte> data) => new(UnprotectedKeyRing.FromStorageBytes(data));

    /// <summary>The UNPROTECTED key ring: seal it with <see cref="SecretBox"/> and clear the array right after.</summary>
    public byte[] ExportForStorage() => _key.ExportForStorage();

    /// <summary>
    /// Seals the secret half under a 32-byte key (from the codename's second derivation) with
    /// <paramref name="associatedData"/> bound in, clearing the unprotected copy.
    /// </summary>
    public byte[] Seal(ReadOnlySpan<byte> wrappingKey, ReadOnlySpan<byte> associatedData)
    {
        byte[] ring = ExportForStorage();
        try
        {
            return SecretBox.Seal(wrappingKey, ring, associatedData);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ring);
        }
    }

    /// <summary>Opens what <see cref="Seal"/> made.</summary>
    /// <exception cref="CryptoException">Wrong key (another codename), altered data or other associated data.</exception>
    public static SourceReplySecretKey Unseal(ReadOnlySpan<byte> wrappingKey, ReadOnlySpan<byte> sealedKey, ReadOnlySpan<byte> associatedData)
    {
        byte[] ring = SecretBox.Open(wrappingKey, sealedKey, associatedData);
        try
        {
            return FromStorageBytes(ring);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ring);
        }
    }

    internal IReadOnlyList<DecryptionKey> DecryptionKeys => _key.DecryptionKeys;

    public void Dispose() => _key.Dispose();
}

using System.Security.Cryptography;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// An OpenPGP secret key (version 4 or 6) held unprotected in memory, with the keys able to decrypt: what both a
/// source's reply key (<see cref="SourceReplySecretKey"/>) and a newsroom secret key (in SecureDrop.Net.Crypto.Newsroom)
/// are made of. Internal on purpose: only those two types decide which keys become which; unlocking a
/// passphrase-protected key is the newsroom side's business.
/// </summary>
/// <remarks>
/// Threat: theft of the key material. It is kept unprotected only in memory and in the array returned by
/// <see cref="ExportForStorage"/>, which the caller seals and clears. <see cref="Dispose"/> clears our copies of the
/// secret material; BouncyCastle's key objects, built per decryption, cannot be wiped (best effort). Concurrent
/// decryptions with one instance are safe; disposing it is not, while any is running.
/// </remarks>
internal sealed class UnprotectedKeyRing : IDisposable
{
    private UnprotectedKey? _key;

    private UnprotectedKeyRing(UnprotectedKey key, NewsroomPublicKey publicKey)
    {
        _key = key;
        PublicKey = publicKey;
    }

    /// <summary>The encrypt-only half.</summary>
    public NewsroomPublicKey PublicKey { get; }

    /// <summary>The keys able to decrypt: every encryption subkey whose secret is present and whose algorithm we accept.</summary>
    public IReadOnlyList<DecryptionKey> DecryptionKeys => Unprotected.DecryptionKeys;

    /// <summary>The unprotected transferable key itself (for an export under a new passphrase).</summary>
    public UnprotectedKey Unprotected
    {
        get
        {
            ObjectDisposedException.ThrowIf(_key is null, this);
            return _key;
        }
    }

    /// <summary>
    /// Generates a v4 key of <paramref name="algorithm"/>: <see cref="PostQuantumKeyGenerator"/> for the post-quantum
    /// one (RFC 9980), <see cref="KeyGenerator"/> for the classic ones.
    /// </summary>
    public static UnprotectedKeyRing Generate(string userId, DateTimeOffset creationTime, NewsroomKeyAlgorithm algorithm)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        if (!Enum.IsDefined(algorithm))
        {
            throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown key algorithm.");
        }

        // OpenPGP timestamps are whole seconds since 1970: truncate so the key reports the time it stores.
        var created = DateTimeOffset.FromUnixTimeSeconds(creationTime.ToUnixTimeSeconds()).UtcDateTime;
        // A v4 key stores its creation time as an unsigned 32-bit count of seconds (RFC 9580 §5.5.2).
        ArgumentOutOfRangeException.ThrowIfLessThan(created, DateTime.UnixEpoch, nameof(creationTime));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(created, DateTime.UnixEpoch.AddSeconds(uint.MaxValue), nameof(creationTime));
        byte[] encoded = algorithm == NewsroomKeyAlgorithm.PostQuantum
            ? PostQuantumKeyGenerator.Generate(userId, created)
            : KeyGenerator.Generate(userId, created, algorithm);
        try
        {
            TransferableKey key = ReadSecretKey(encoded);
            RequireEncryptionSecret(key, creationTime);
            return FromUnprotected(key, creationTime);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(encoded);
        }
    }

    /// <summary>
    /// Reloads bytes made by <see cref="ExportForStorage"/>. Expiry and revocation are not judged here: a retired
    /// key must keep decrypting what was encrypted to it.
    /// </summary>
    public static UnprotectedKeyRing FromStorageBytes(ReadOnlySpan<byte> data)
    {
        TransferableKey stored = ReadSecretKey(data);
        if (stored.AllKeys.Any(k => k.Secret is { IsProtected: true }))
        {
            throw new CryptoException(CryptoFailure.WrongKind, "The stored key is passphrase-protected; storage bytes must come from ExportForStorage.");
        }

        return FromUnprotected(stored, now: null);
    }

    /// <summary>Reads exactly one transferable secret key, armored or binary.</summary>
    /// <exception cref="CryptoException">No key, several, or a public key only.</exception>
    public static TransferableKey ReadSecretKey(ReadOnlySpan<byte> data)
    {
        List<TransferableKey> keys = CertificateReader.ReadAll(data);
        if (keys.Count > 1)
        {
            throw new CryptoException(CryptoFailure.WrongKind, $"The data holds {keys.Count} keys; exactly one key is expected.");
        }

        if (keys.Count == 1 && !keys[0].IsSecret)
        {
            throw new CryptoException(CryptoFailure.WrongKind, "The data holds a public key only; a secret key is needed (gpg --export-secret-keys).");
        }

        return keys.Count == 1 ? keys[0] : throw new CryptoException(CryptoFailure.Malformed, "The data holds no OpenPGP secret key.");
    }

    /// <summary>
    /// Refuses a key whose valid encryption subkey (at <paramref name="now"/>, or leniently when null) carries no
    /// secret: checked before any passphrase is tried, so the operator hears the real problem and a key we would
    /// refuse anyway costs no Argon2 run.
    /// </summary>
    public static void RequireEncryptionSecret(TransferableKey key, DateTimeOffset? now)
    {
        KeyComponent encryption = CertificateValidation.SelectEncryptionSubkey(key, now);
        if (encryption.Secret is null || encryption.Secret.IsStub)
        {
            throw MissingEncryptionSecret(encryption.Key);
        }
    }

    /// <summary>Builds the in-memory key from a key whose secret material is no longer passphrase-protected.</summary>
    public static UnprotectedKeyRing FromUnprotected(TransferableKey unprotected, DateTimeOffset? now)
    {
        var publicKey = NewsroomPublicKey.FromKey(unprotected, now);
        UnprotectedKey key = UnprotectedKey.Create(unprotected);
        if (!key.DecryptionKeys.Any(k => k.Key.KeyId == publicKey.EncryptionKeyId))
        {
            key.Dispose();
            throw MissingEncryptionSecret(publicKey.EncryptionKey);
        }

        return new UnprotectedKeyRing(key, publicKey);
    }

    /// <summary>
    /// The binary transferable secret key with UNPROTECTED secret material. Seal it (for example with
    /// <see cref="SecretBox"/>) and clear the array right after.
    /// </summary>
    public byte[] ExportForStorage() => Unprotected.Encode();

    private static CryptoException MissingEncryptionSecret(KeyPacket subkey) => new(
        CryptoFailure.WrongKind,
        $"The secret material of the encryption subkey ({subkey.Description}) is missing: a gpg stub (a smartcard key, or an export without that subkey's secret). Export the whole secret key (gpg --export-secret-keys FINGERPRINT) on the machine that holds it, or use another key.");

    /// <summary>Clears the private key material.</summary>
    public void Dispose()
    {
        _key?.Dispose();
        _key = null;
    }
}

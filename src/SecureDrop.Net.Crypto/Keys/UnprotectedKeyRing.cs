using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// An OpenPGP secret key ring held unprotected in memory, with the private keys able to decrypt: what both a
/// source's reply key (<see cref="SourceReplySecretKey"/>) and a newsroom secret key (in SecureDrop.Net.Crypto.Newsroom)
/// are made of. Internal on purpose: only those two types decide which rings become which key.
/// </summary>
/// <remarks>
/// Threat: theft of the key material. It is kept unprotected only in memory and in the array returned by
/// <see cref="ExportForStorage"/>, which the caller seals and clears. <see cref="Dispose"/> drops every reference
/// to the private keys; BouncyCastle keeps key values in immutable big integers that cannot be wiped, so this is
/// best effort. Concurrent decryptions with one instance are safe; disposing it is not, while any is running.
/// </remarks>
internal sealed class UnprotectedKeyRing : IDisposable
{
    private PgpSecretKeyRing? _ring;
    private Dictionary<long, PgpPrivateKey>? _decryptionKeys;

    private UnprotectedKeyRing(PgpSecretKeyRing ring, Dictionary<long, PgpPrivateKey> decryptionKeys, NewsroomPublicKey publicKey)
    {
        _ring = ring;
        _decryptionKeys = decryptionKeys;
        PublicKey = publicKey;
    }

    /// <summary>The encrypt-only half of the ring.</summary>
    public NewsroomPublicKey PublicKey { get; }

    /// <summary>The private keys able to decrypt, by key id (every encryption subkey whose secret is present).</summary>
    public IReadOnlyDictionary<long, PgpPrivateKey> DecryptionKeys
    {
        get
        {
            ObjectDisposedException.ThrowIf(_decryptionKeys is null, this);
            return _decryptionKeys;
        }
    }

    /// <summary>Generates a v4 key of <paramref name="algorithm"/> (see <see cref="KeyGenerator"/>).</summary>
    public static UnprotectedKeyRing Generate(string userId, DateTimeOffset creationTime, NewsroomKeyAlgorithm algorithm)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        if (!Enum.IsDefined(algorithm))
        {
            throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown key algorithm.");
        }

        // OpenPGP timestamps are whole seconds since 1970: truncate so the key reports the time it stores.
        var created = DateTimeOffset.FromUnixTimeSeconds(creationTime.ToUnixTimeSeconds()).UtcDateTime;
        // A v4 key stores its creation time as an unsigned 32-bit count of seconds (RFC 4880 §3.5).
        ArgumentOutOfRangeException.ThrowIfLessThan(created, DateTime.UnixEpoch, nameof(creationTime));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(created, DateTime.UnixEpoch.AddSeconds(uint.MaxValue), nameof(creationTime));
        byte[] encoded = KeyGenerator.Generate(userId, created, algorithm);
        try
        {
            PgpSecretKeyRing ring = KeyRingReader.ReadSecretRing(encoded);
            RequireEncryptionSecret(ring, creationTime);
            return FromUnprotected(ring, creationTime);
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
        PgpSecretKeyRing stored = KeyRingReader.ReadSecretRing(data);
        if (stored.GetSecretKeys().Any(SecretKeyProtection.IsProtected))
        {
            throw new CryptoException("The stored key is passphrase-protected; storage bytes must come from ExportForStorage.");
        }

        RequireEncryptionSecret(stored, now: null);
        return FromUnprotected(stored, now: null);
    }

    /// <summary>
    /// Refuses a ring whose valid encryption subkey (at <paramref name="now"/>, or leniently when null) carries no
    /// secret: checked before any passphrase is tried, so the operator hears the real problem.
    /// </summary>
    public static void RequireEncryptionSecret(PgpSecretKeyRing ring, DateTimeOffset? now)
    {
        ArgumentNullException.ThrowIfNull(ring);
        PgpPublicKey encryptionKey = KeyValidation.SelectEncryptionSubkey(ring.GetPublicKeys().ToList(), now);
        if (ring.GetSecretKey(encryptionKey.KeyId) is not { } secret || SecretKeyProtection.IsStub(secret))
        {
            throw new CryptoException(
                "The secret material of the encryption subkey is missing (a gpg stub, e.g. a smartcard key or an export without that subkey).");
        }
    }

    /// <summary>Builds the in-memory key from a ring whose secret material is no longer passphrase-protected.</summary>
    public static UnprotectedKeyRing FromUnprotected(PgpSecretKeyRing unlocked, DateTimeOffset? now)
    {
        ArgumentNullException.ThrowIfNull(unlocked);
        List<PgpPublicKey> keys = unlocked.GetPublicKeys().ToList();
        var privateKeys = new Dictionary<long, PgpPrivateKey>();
        foreach ((PgpPublicKey subkey, _) in KeyValidation.EncryptionCapable(keys))
        {
            // Older encryption subkeys still decrypt what was sent to them, unless their algorithm is refused.
            if (KeyPolicy.RejectEncryptionSubkey(subkey) is null
                && unlocked.GetSecretKey(subkey.KeyId) is { } candidate && !SecretKeyProtection.IsStub(candidate))
            {
                privateKeys[subkey.KeyId] = Extract(candidate, subkey);
            }
        }

        var publicKey = NewsroomPublicKey.FromRing(KeyRings.PublicRingOf(unlocked), now);
        return new UnprotectedKeyRing(unlocked, privateKeys, publicKey);
    }

    /// <summary>
    /// The binary secret key ring with UNPROTECTED secret material. Seal it (for example with <see cref="SecretBox"/>)
    /// and clear the array right after.
    /// </summary>
    public byte[] ExportForStorage()
    {
        ObjectDisposedException.ThrowIf(_ring is null, this);
        return KeyRings.Encode(_ring);
    }

    /// <summary>Drops the references to the private key material.</summary>
    public void Dispose()
    {
        _decryptionKeys?.Clear();
        _decryptionKeys = null;
        _ring = null;
    }

    private static PgpPrivateKey Extract(PgpSecretKey key, PgpPublicKey publicKey)
    {
        PgpPrivateKey privateKey;
        try
        {
            privateKey = key.ExtractPrivateKeyRaw([]);
        }
        catch (Exception e) when (OpenPgpInput.IsLibraryFailure(e))
        {
            throw new CryptoException("The secret key material is damaged and could not be read.", e);
        }

        return KeyPairCheck.Matches(privateKey, publicKey)
            ? privateKey
            : throw new CryptoException("The secret material of the encryption subkey does not match its public key.");
    }
}

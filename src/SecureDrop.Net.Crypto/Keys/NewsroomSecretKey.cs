using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// A decrypt-capable newsroom key. Only the reviewer console and the <c>sdnet</c> tool ever hold one, unlocked in
/// memory for a session; the submission front end never references this type.
/// </summary>
/// <remarks>
/// Threat: theft of the key material. It is kept unprotected only in memory and in the array returned by
/// <see cref="ExportForStorage"/>, which the caller seals under the vault key and clears. <see cref="Dispose"/>
/// drops every reference to the private keys; BouncyCastle keeps key values in immutable big integers that cannot
/// be wiped, so this is best effort. Concurrent decryptions with one instance are safe; disposing it is not, while
/// any is running.
/// </remarks>
public sealed class NewsroomSecretKey : IDisposable
{
    private PgpSecretKeyRing? _ring;
    private Dictionary<long, PgpPrivateKey>? _decryptionKeys;

    private NewsroomSecretKey(PgpSecretKeyRing ring, Dictionary<long, PgpPrivateKey> decryptionKeys, NewsroomPublicKey publicKey)
    {
        _ring = ring;
        _decryptionKeys = decryptionKeys;
        PublicKey = publicKey;
    }

    /// <summary>The encrypt-only half of this key.</summary>
    public NewsroomPublicKey PublicKey { get; }

    /// <summary>The primary key's fingerprint, as <see cref="NewsroomPublicKey.Fingerprint"/>.</summary>
    public string Fingerprint => PublicKey.Fingerprint;

    /// <summary>
    /// Generates a v4 key: Ed25519 certify+sign primary and Cv25519 encryption subkey, no expiry, preferring AES-256,
    /// SHA-512 and MDC. It imports into gpg, sq and gosop. A source's reply key has the same shape, behind its own
    /// type (<see cref="SourceReplySecretKey"/>); replies go to it and the newsroom key at once.
    /// </summary>
    public static NewsroomSecretKey Generate(string userId, DateTimeOffset creationTime) =>
        Generate(userId, creationTime, NewsroomKeyAlgorithm.Curve25519);

    /// <summary>
    /// Generates a v4 key of <paramref name="algorithm"/>, otherwise as <see cref="Generate(string, DateTimeOffset)"/>.
    /// RSA 4096 takes seconds: generate it off any request path.
    /// </summary>
    public static NewsroomSecretKey Generate(string userId, DateTimeOffset creationTime, NewsroomKeyAlgorithm algorithm)
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
            return Load(encoded, default, creationTime);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(encoded);
        }
    }

    /// <summary>
    /// Imports the armored or binary output of <c>gpg --export-secret-keys</c>, passphrase-protected or not.
    /// </summary>
    /// <exception cref="CryptoException">Saying why the key is refused: not OpenPGP, a public key, several keys, no
    /// encryption subkey, its secret missing, wrong or missing passphrase, expired or revoked, or a weak algorithm.</exception>
    public static NewsroomSecretKey Import(ReadOnlySpan<byte> data, ReadOnlySpan<char> passphrase = default) =>
        Load(data, passphrase, TimeProvider.System.GetUtcNow());

    internal static NewsroomSecretKey Import(ReadOnlySpan<byte> data, ReadOnlySpan<char> passphrase, DateTimeOffset now) =>
        Load(data, passphrase, now);

    /// <summary>
    /// Reloads bytes made by <see cref="ExportForStorage"/>. Expiry and revocation are not judged here: a retired
    /// key must keep decrypting what was encrypted to it.
    /// </summary>
    public static NewsroomSecretKey FromStorageBytes(ReadOnlySpan<byte> data)
    {
        PgpSecretKeyRing stored = KeyRingReader.ReadSecretRing(data);
        if (stored.GetSecretKeys().Any(SecretKeyProtection.IsProtected))
        {
            throw new CryptoException("The stored key is passphrase-protected; storage bytes must come from ExportForStorage.");
        }

        return FromRing(stored, default, now: null);
    }

    /// <summary>
    /// The binary secret key ring with UNPROTECTED secret material. Seal it (for example with <see cref="SecretBox"/>)
    /// under the vault key and clear the array right after.
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

    /// <summary>The private keys able to decrypt, by key id (every encryption subkey whose secret is present).</summary>
    internal IReadOnlyDictionary<long, PgpPrivateKey> DecryptionKeys
    {
        get
        {
            ObjectDisposedException.ThrowIf(_decryptionKeys is null, this);
            return _decryptionKeys;
        }
    }

    private static NewsroomSecretKey Load(ReadOnlySpan<byte> data, ReadOnlySpan<char> passphrase, DateTimeOffset now) =>
        FromRing(KeyRingReader.ReadSecretRing(data), passphrase, now);

    private static NewsroomSecretKey FromRing(PgpSecretKeyRing ring, ReadOnlySpan<char> passphrase, DateTimeOffset? now)
    {
        List<PgpPublicKey> keys = ring.GetPublicKeys().ToList();
        PgpPublicKey encryptionKey = KeyValidation.SelectEncryptionSubkey(keys, now);
        if (ring.GetSecretKey(encryptionKey.KeyId) is not { } secret || SecretKeyProtection.IsStub(secret))
        {
            throw new CryptoException(
                "The secret material of the encryption subkey is missing (a gpg stub, e.g. a smartcard key or an export without that subkey).");
        }

        PgpSecretKeyRing unlocked = SecretKeyProtection.Unprotect(ring, passphrase);
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
        return new NewsroomSecretKey(unlocked, privateKeys, publicKey);
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

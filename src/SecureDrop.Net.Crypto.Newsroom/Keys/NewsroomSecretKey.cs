namespace SecureDrop.Net.Crypto;

/// <summary>
/// A decrypt-capable newsroom key (OpenPGP version 4 or 6). Only the reviewer console and the <c>sdnet</c> tool ever
/// hold one, unlocked in memory for a session; the submission front end and the worker do not reference this
/// assembly, so they cannot name this type.
/// </summary>
/// <remarks>
/// Threat: theft of the key material. It is kept unprotected only in memory and in the array returned by
/// <see cref="ExportForStorage"/>, which the caller seals under the vault key and clears. <see cref="Dispose"/>
/// clears our copies of the secret material; BouncyCastle's key objects, built per decryption, cannot be wiped
/// (best effort). Concurrent decryptions with one instance are safe; disposing it is not, while any is running.
/// </remarks>
public sealed class NewsroomSecretKey : IDisposable
{
    private readonly UnprotectedKeyRing _key;

    private NewsroomSecretKey(UnprotectedKeyRing key)
    {
        _key = key;
    }

    /// <summary>The encrypt-only half of this key.</summary>
    public NewsroomPublicKey PublicKey => _key.PublicKey;

    /// <summary>The primary key's fingerprint, as <see cref="NewsroomPublicKey.Fingerprint"/>.</summary>
    public string Fingerprint => PublicKey.Fingerprint;

    /// <summary>
    /// Generates a post-quantum v4 key (RFC 9980): Ed25519 certify+sign primary and ML-KEM-768+X25519 encryption
    /// subkey, no expiry. gpg cannot read what is encrypted to it; <c>sdnet decrypt</c> can, and any RFC 9980 tool.
    /// </summary>
    public static NewsroomSecretKey Generate(string userId, DateTimeOffset creationTime) =>
        Generate(userId, creationTime, NewsroomKeyAlgorithm.PostQuantum);

    /// <summary>
    /// Generates a v4 key of <paramref name="algorithm"/>, otherwise as <see cref="Generate(string, DateTimeOffset)"/>.
    /// The classic ones (Curve25519, RSA 4096) are what GnuPG 2.2 makes and reads. RSA 4096 takes seconds: generate
    /// it off any request path.
    /// </summary>
    public static NewsroomSecretKey Generate(string userId, DateTimeOffset creationTime, NewsroomKeyAlgorithm algorithm) =>
        new(UnprotectedKeyRing.Generate(userId, creationTime, algorithm));

    /// <summary>
    /// Imports the armored or binary output of <c>gpg --export-secret-keys</c> (or Sequoia, OpenPGP.js,
    /// <c>sdnet keys export-secret</c>): version 4 or 6, passphrase-protected (iterated S2K, Argon2, AEAD) or not.
    /// </summary>
    /// <exception cref="CryptoException">Saying why the key is refused: not OpenPGP, a public key, several keys, no
    /// encryption subkey, its secret missing, wrong or missing passphrase, expired or revoked, or a weak algorithm.</exception>
    public static NewsroomSecretKey Import(ReadOnlySpan<byte> data, ReadOnlySpan<char> passphrase = default) =>
        Load(data, passphrase, TimeProvider.System.GetUtcNow());

    internal static NewsroomSecretKey Import(ReadOnlySpan<byte> data, ReadOnlySpan<char> passphrase, DateTimeOffset now) =>
        Load(data, passphrase, now);

    /// <summary>
    /// As <see cref="Import(ReadOnlySpan{byte}, ReadOnlySpan{char})"/>, for decrypting only (<c>sdnet decrypt</c>):
    /// an expired or revoked key still opens what was encrypted to it while it was valid.
    /// </summary>
    public static NewsroomSecretKey ImportToDecrypt(ReadOnlySpan<byte> data, ReadOnlySpan<char> passphrase = default) =>
        Load(data, passphrase, now: null);

    /// <summary>
    /// Reloads bytes made by <see cref="ExportForStorage"/>. Expiry and revocation are not judged here: a retired
    /// key must keep decrypting what was encrypted to it.
    /// </summary>
    public static NewsroomSecretKey FromStorageBytes(ReadOnlySpan<byte> data) => new(UnprotectedKeyRing.FromStorageBytes(data));

    /// <summary>
    /// The binary transferable secret key with UNPROTECTED secret material. Seal it (for example with
    /// <see cref="SecretBox"/>) under the vault key and clear the array right after.
    /// </summary>
    public byte[] ExportForStorage() => _key.ExportForStorage();

    /// <summary>
    /// The transferable secret key, ASCII-armored, every secret protected under <paramref name="passphrase"/> with
    /// Argon2id (t=3, p=4, 64 MiB) and AES-256-OCB (RFC 9580 §3.7.2.1, §5.5.3): for the key ceremony's offline copy.
    /// </summary>
    /// <exception cref="ArgumentException">When the passphrase is empty.</exception>
    public string ExportProtected(ReadOnlySpan<char> passphrase)
    {
        if (passphrase.IsWhiteSpace())
        {
            throw new ArgumentException("A passphrase is needed to protect the exported key.", nameof(passphrase));
        }

        return KeyRings.Armor(KeyUnlocking.EncodeProtected(_key.Unprotected.Key, passphrase));
    }

    /// <summary>Clears the private key material.</summary>
    public void Dispose() => _key.Dispose();

    /// <summary>The keys able to decrypt: every encryption subkey whose secret is present and whose algorithm we accept.</summary>
    internal IReadOnlyList<DecryptionKey> DecryptionKeys => _key.DecryptionKeys;

    private static NewsroomSecretKey Load(ReadOnlySpan<byte> data, ReadOnlySpan<char> passphrase, DateTimeOffset? now)
    {
        TransferableKey key = UnprotectedKeyRing.ReadSecretKey(data);
        UnprotectedKeyRing.RequireEncryptionSecret(key, now);
        return new(UnprotectedKeyRing.FromUnprotected(KeyUnlocking.Unprotect(key, passphrase), now));
    }
}

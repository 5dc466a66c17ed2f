using Org.BouncyCastle.Bcpg.OpenPgp;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// A decrypt-capable newsroom key. Only the reviewer console and the <c>sdnet</c> tool ever hold one, unlocked in
/// memory for a session; the submission front end and the worker do not reference this assembly, so they cannot
/// name this type.
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
    public static NewsroomSecretKey Generate(string userId, DateTimeOffset creationTime, NewsroomKeyAlgorithm algorithm) =>
        new(UnprotectedKeyRing.Generate(userId, creationTime, algorithm));

    /// <summary>
    /// Imports the armored or binary output of <c>gpg --export-secret-keys</c>, passphrase-protected or not.
    /// </summary>
    /// <exception cref="CryptoException">Saying why the key is refused: not OpenPGP, a public key, several keys, no
    /// encryption subkey, its secret missing, wrong or missing passphrase, expired or revoked, or a weak algorithm.</exception>
    public static NewsroomSecretKey Import(ReadOnlySpan<byte> data, ReadOnlySpan<char> passphrase = default) =>
        Import(data, passphrase, TimeProvider.System.GetUtcNow());

    internal static NewsroomSecretKey Import(ReadOnlySpan<byte> data, ReadOnlySpan<char> passphrase, DateTimeOffset now)
    {
        PgpSecretKeyRing ring = KeyRingReader.ReadSecretRing(data);
        UnprotectedKeyRing.RequireEncryptionSecret(ring, now);
        return new(UnprotectedKeyRing.FromUnprotected(PassphraseProtection.Unprotect(ring, passphrase), now));
    }

    /// <summary>
    /// Reloads bytes made by <see cref="ExportForStorage"/>. Expiry and revocation are not judged here: a retired
    /// key must keep decrypting what was encrypted to it.
    /// </summary>
    public static NewsroomSecretKey FromStorageBytes(ReadOnlySpan<byte> data) => new(UnprotectedKeyRing.FromStorageBytes(data));

    /// <summary>
    /// The binary secret key ring with UNPROTECTED secret material. Seal it (for example with <see cref="SecretBox"/>)
    /// under the vault key and clear the array right after.
    /// </summary>
    public byte[] ExportForStorage() => _key.ExportForStorage();

    /// <summary>Drops the references to the private key material.</summary>
    public void Dispose() => _key.Dispose();

    /// <summary>The private keys able to decrypt, by key id (every encryption subkey whose secret is present).</summary>
    internal IReadOnlyDictionary<long, PgpPrivateKey> DecryptionKeys => _key.DecryptionKeys;
}

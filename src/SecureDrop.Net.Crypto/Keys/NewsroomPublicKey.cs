using Org.BouncyCastle.Bcpg.OpenPgp;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// The encrypt-only view of a newsroom OpenPGP v4 key: what the submission front end holds and publishes.
/// It can encrypt to the newsroom and show the fingerprint sources verify; it holds no secret material and
/// cannot decrypt anything.
/// </summary>
/// <remarks>
/// Threat: a substituted or weakened key would send every submission to an attacker or under weak crypto. Parsing
/// therefore accepts exactly one key, checks its self-signatures, refuses weak algorithms, and picks the
/// encryption subkey by the key flags of its verified binding signature, rejecting expired and revoked keys.
/// Instances are immutable and safe to share between threads and requests.
/// </remarks>
public sealed class NewsroomPublicKey
{
    private readonly PgpPublicKeyRing _ring;

    private NewsroomPublicKey(PgpPublicKeyRing ring, PgpPublicKey encryptionKey)
    {
        _ring = ring;
        EncryptionKey = encryptionKey;
        Fingerprint = Convert.ToHexString(ring.GetPublicKey().GetFingerprint());
        CreatedAt = new DateTimeOffset(ring.GetPublicKey().CreationTime, TimeSpan.Zero);
    }

    /// <summary>The primary key's v4 fingerprint: 40 upper-case hexadecimal characters.</summary>
    public string Fingerprint { get; }

    /// <summary>The fingerprint in 10 groups of 4 characters separated by single spaces, as gpg shows it to people.</summary>
    public string DisplayFingerprint => string.Join(' ', Enumerable.Range(0, 10).Select(i => Fingerprint.Substring(i * 4, 4)));

    /// <summary>When the primary key was created.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>Key id of the subkey messages are encrypted to.</summary>
    public ulong EncryptionKeyId => unchecked((ulong)EncryptionKey.KeyId);

    internal PgpPublicKey EncryptionKey { get; }

    /// <summary>
    /// Reads an armored or binary transferable public key holding exactly one key with a valid encryption-capable
    /// subkey (not expired, not revoked, RSA of 3072 bits or more, or Cv25519).
    /// </summary>
    /// <exception cref="CryptoException">Saying why the key is refused.</exception>
    public static NewsroomPublicKey Parse(ReadOnlySpan<byte> data) => Parse(data, TimeProvider.System.GetUtcNow());

    internal static NewsroomPublicKey Parse(ReadOnlySpan<byte> data, DateTimeOffset now) =>
        FromRing(KeyRingReader.ReadPublicRing(data), now);

    /// <summary>Validates <paramref name="ring"/> at <paramref name="now"/>, or leniently when it is null.</summary>
    internal static NewsroomPublicKey FromRing(PgpPublicKeyRing ring, DateTimeOffset? now)
    {
        List<PgpPublicKey> keys = ring.GetPublicKeys().ToList();
        PgpPublicKey encryptionKey = KeyValidation.SelectEncryptionSubkey(keys, now);
        return new NewsroomPublicKey(ring, encryptionKey);
    }

    /// <summary>The key in ASCII armor, without a "Version:" header.</summary>
    public string ToArmored() => KeyRings.Armor(ToBinary());

    /// <summary>The key as a binary transferable public key.</summary>
    public byte[] ToBinary() => KeyRings.Encode(_ring);
}

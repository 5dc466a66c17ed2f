namespace SecureDrop.Net.Crypto;

/// <summary>
/// The encrypt-only view of a newsroom OpenPGP key (version 4 or 6): what the submission front end holds and
/// publishes. It can encrypt to the newsroom and show the fingerprint sources verify; it holds no secret material
/// and cannot decrypt anything.
/// </summary>
/// <remarks>
/// Threat: a substituted or weakened key would send every submission to an attacker or under weak crypto. Parsing
/// therefore accepts exactly one key, checks its self-signatures, refuses weak algorithms, and picks the
/// encryption subkey by the key flags of its verified binding signature, rejecting expired and revoked keys.
/// Instances are immutable and safe to share between threads and requests.
/// </remarks>
public sealed class NewsroomPublicKey
{
    private readonly TransferableKey _key;

    private NewsroomPublicKey(TransferableKey key, KeyComponent encryptionKey)
    {
        _key = key;
        EncryptionKey = encryptionKey.Key;
        SupportsSeipdV2 = CertificateValidation.SupportsSeipdV2(key);
        Fingerprint = key.Primary.Key.FingerprintHex;
        CreatedAt = new DateTimeOffset(key.Primary.Key.Created, TimeSpan.Zero);
    }

    /// <summary>The primary key's fingerprint in upper-case hexadecimal: 40 characters (v4) or 64 (v6).</summary>
    public string Fingerprint { get; }

    /// <summary>The fingerprint in groups of 4 characters separated by single spaces, as gpg shows it to people.</summary>
    public string DisplayFingerprint => string.Join(' ', Fingerprint.Chunk(4).Select(c => new string(c)));

    /// <summary>When the primary key was created.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>Key id of the subkey messages are encrypted to.</summary>
    public ulong EncryptionKeyId => EncryptionKey.KeyId;

    /// <summary>
    /// Whether what is encrypted to this key withstands a quantum computer: its encryption subkey is RFC 9980's
    /// ML-KEM-768+X25519 or ML-KEM-1024+X448.
    /// </summary>
    public bool IsPostQuantum => EncryptionKey.Algorithm is KeyAlgorithm.MlKem768X25519 or KeyAlgorithm.MlKem1024X448;

    /// <summary>The OpenPGP version of the key: 4, or 6 (RFC 9580).</summary>
    public int Version => _key.Primary.Key.Version;

    internal KeyPacket EncryptionKey { get; }

    /// <summary>Messages to this key may be SEIPD v2 (a v6 key, or a v4 key whose features say it reads them).</summary>
    internal bool SupportsSeipdV2 { get; }

    /// <summary>
    /// Reads an armored or binary transferable public key holding exactly one key with a valid encryption-capable
    /// subkey (not expired, not revoked, of an algorithm we accept).
    /// </summary>
    /// <exception cref="CryptoException">Saying why the key is refused.</exception>
    public static NewsroomPublicKey Parse(ReadOnlySpan<byte> data) => Parse(data, TimeProvider.System.GetUtcNow());

    internal static NewsroomPublicKey Parse(ReadOnlySpan<byte> data, DateTimeOffset now) =>
        FromKey(ReadPublicKey(data), now);

    /// <summary>Validates <paramref name="key"/> at <paramref name="now"/>, or leniently when it is null.</summary>
    internal static NewsroomPublicKey FromKey(TransferableKey key, DateTimeOffset? now) =>
        new(key, CertificateValidation.SelectEncryptionSubkey(key, now));

    /// <summary>The key in ASCII armor, without a "Version:" header.</summary>
    public string ToArmored() => KeyRings.Armor(ToBinary());

    /// <summary>The key as a binary transferable public key: its packets as they were read.</summary>
    public byte[] ToBinary() => _key.EncodePublic();

    private static TransferableKey ReadPublicKey(ReadOnlySpan<byte> data)
    {
        List<TransferableKey> keys = CertificateReader.ReadAll(data);
        if (keys.Any(k => k.IsSecret))
        {
            // The submission front end must never hold secret material, even by operator mistake.
            throw new CryptoException(CryptoFailure.WrongKind, "The data holds a secret key; only the public key is accepted here.");
        }

        return keys.Count switch
        {
            0 => throw new CryptoException(CryptoFailure.Malformed, "The data holds no OpenPGP public key."),
            1 => keys[0],
            _ => throw new CryptoException(CryptoFailure.WrongKind, $"The data holds {keys.Count} keys; exactly one key is expected."),
        };
    }
}

namespace SecureDrop.Net.Crypto;

/// <summary>
/// The encrypt-only half of a source's reply key, as stored on the source's row: what the reviewer console encrypts
/// a reply to (together with the newsroom key). It holds no secret material and cannot decrypt anything.
/// </summary>
/// <remarks>
/// Threat: a row altered to carry another key would send replies to whoever holds it. Parsing applies the same
/// checks as for a newsroom key (one key, valid self-signatures, a usable encryption subkey, no weak algorithm).
/// </remarks>
public sealed class SourceReplyPublicKey
{
    private SourceReplyPublicKey(NewsroomPublicKey key)
    {
        Key = key;
    }

    /// <summary>The key's v4 fingerprint, 40 upper-case hexadecimal characters.</summary>
    public string Fingerprint => Key.Fingerprint;

    /// <summary>Replies to this key withstand a quantum computer (an ML-KEM subkey, RFC 9980).</summary>
    public bool IsPostQuantum => Key.IsPostQuantum;

    internal NewsroomPublicKey Key { get; }

    /// <summary>Reads bytes made by <see cref="ToBinary"/>.</summary>
    /// <exception cref="CryptoException">Saying why the key is refused.</exception>
    public static SourceReplyPublicKey Parse(ReadOnlySpan<byte> data) => new(NewsroomPublicKey.Parse(data));

    internal static SourceReplyPublicKey From(NewsroomPublicKey key) => new(key);

    /// <summary>The key as a binary transferable public key, for the source's row.</summary>
    public byte[] ToBinary() => Key.ToBinary();
}

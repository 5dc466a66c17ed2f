using System.Buffers.Binary;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// A public-key encrypted session key packet (RFC 9580 §5.1): version 3 (key id, for SEIPD v1) or version 6 (key
/// version and fingerprint, for SEIPD v2), the public-key algorithm and its algorithm-specific fields.
/// </summary>
/// <remarks>Why our own: BouncyCastle 2.7.0 throws on a v6 packet and on algorithms 25, 26, 35 and 36.</remarks>
internal sealed class Pkesk
{
    private Pkesk(int version, ulong keyId, int keyVersion, byte[] fingerprint, int algorithm, byte[] fields)
    {
        Version = version;
        KeyId = keyId;
        KeyVersion = keyVersion;
        Fingerprint = fingerprint;
        Algorithm = algorithm;
        Fields = fields;
    }

    public int Version { get; }

    /// <summary>The recipient's key id: as written (v3), or derived from the fingerprint (v6); 0 when hidden.</summary>
    public ulong KeyId { get; }

    public int KeyVersion { get; }

    /// <summary>The recipient's fingerprint (v6 only; empty for v3 or a hidden recipient).</summary>
    public byte[] Fingerprint { get; }

    public int Algorithm { get; }

    public byte[] Fields { get; }

    /// <summary>The packet names no recipient (gpg --throw-keyids, or a v6 packet without fingerprint).</summary>
    public bool IsAnonymous => KeyId == 0 && Fingerprint.Length == 0;

    /// <exception cref="CryptoException">A malformed packet, or a version other than 3 and 6.</exception>
    public static Pkesk Parse(byte[] body)
    {
        const string Malformed = "The message's session key packet is malformed.";
        var reader = new BodyReader(body, Malformed);
        int version = reader.Octet();
        if (version == 3)
        {
            ulong keyId = BinaryPrimitives.ReadUInt64BigEndian(reader.Span(8));
            return new Pkesk(3, keyId, 0, [], reader.Octet(), reader.Rest());
        }

        if (version != 6)
        {
            throw new CryptoException(CryptoFailure.UnsupportedMessage, $"The message's session key packet has version {version}; only versions 3 and 6 exist.");
        }

        byte[] recipient = reader.LengthPrefixed();
        int keyVersion = recipient.Length == 0 ? 0 : recipient[0];
        byte[] fingerprint = recipient.Length == 0 ? [] : recipient[1..];
        ulong derived = (keyVersion, fingerprint.Length) switch
        {
            (0, 0) => 0,
            (4, 20) => BinaryPrimitives.ReadUInt64BigEndian(fingerprint.AsSpan(12)),
            (6, 32) => BinaryPrimitives.ReadUInt64BigEndian(fingerprint),
            _ => throw new CryptoException(CryptoFailure.Malformed, Malformed),
        };
        return new Pkesk(6, derived, keyVersion, fingerprint, reader.Octet(), reader.Rest());
    }

    /// <summary>Whether this packet names <paramref name="key"/> (by fingerprint in v6, key id in v3).</summary>
    public bool Names(KeyPacket key) =>
        Version == 6 ? Fingerprint.AsSpan().SequenceEqual(key.Fingerprint) : KeyId == key.KeyId;

    /// <summary>The whole packet (new-format header) for <paramref name="recipient"/> with these fields.</summary>
    public static byte[] Encode(int version, KeyPacket recipient, byte[] fields)
    {
        byte[] body = version == 3
            ? [3, .. BigEndian(recipient.KeyId), (byte)recipient.Algorithm, .. fields]
            : [6, (byte)(1 + recipient.Fingerprint.Length), (byte)recipient.Version, .. recipient.Fingerprint, (byte)recipient.Algorithm, .. fields];
        return [.. RawPacket.NewHeader(1, body.Length), .. body];
    }

    private static byte[] BigEndian(ulong value)
    {
        byte[] bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return bytes;
    }
}

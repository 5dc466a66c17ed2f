namespace SecureDrop.Net.Crypto;

/// <summary>One packet before the encrypted payload, with its exact encoding for copying it unchanged.</summary>
internal sealed record EnvelopePacket(int Tag, byte[] Encoded, Pkesk? PublicKey, Skesk? Passphrase);

/// <summary>
/// The outside of an encrypted message, read packet by packet up to the payload: public-key (v3, v6) and
/// passphrase (v4, v6) session key packets, marker packets, then the SEIPD packet's header — version 1, or version 2
/// with its cipher, AEAD mode, chunk size and salt. Everything else is refused with the reason, so nothing
/// downstream meets an unprotected (SED) or unknown payload.
/// </summary>
/// <remarks>Why our own: BouncyCastle 2.7.0 throws on v6 session key packets, algorithms 25–36 and SEIPD v2.</remarks>
internal sealed class MessageEnvelope
{
    // An ML-KEM-1024+X448 PKESK is about 1.7 KiB, RSA 16384 about 2 KiB; anything far larger is not one we could use.
    private const int MaxLeadingPacket = 16 * 1024;
    private const string NotEncrypted = "The data is not an OpenPGP encrypted message.";

    private MessageEnvelope(List<EnvelopePacket> leading, PacketHeader payload, byte[] prefix, Stream body)
    {
        Leading = leading;
        Payload = payload;
        PayloadPrefix = prefix;
        PayloadBody = body;
    }

    public IReadOnlyList<EnvelopePacket> Leading { get; }

    public IEnumerable<Pkesk> PublicKeyPackets => Leading.Select(p => p.PublicKey).OfType<Pkesk>();

    /// <summary>The SEIPD packet's header, octets included.</summary>
    public PacketHeader Payload { get; }

    /// <summary>The body's first octets as read: the version, and for v2 cipher, AEAD mode, chunk size and salt.</summary>
    public byte[] PayloadPrefix { get; }

    /// <summary>The SEIPD body after <see cref="PayloadPrefix"/>, partial lengths removed.</summary>
    public Stream PayloadBody { get; }

    public int Version => PayloadPrefix[0];

    /// <summary>The cipher of a v2 payload (what a v6 session key packet's key is for); 0 for v1.</summary>
    public int Cipher => Version == 2 ? PayloadPrefix[1] : 0;

    public static MessageEnvelope Read(Stream input)
    {
        var leading = new List<EnvelopePacket>();
        while (PacketHeader.Read(input) is { } header)
        {
            switch (header.Tag)
            {
                case 1 or 3 or 10:
                    leading.Add(ReadLeading(input, header));
                    break;
                case 18:
                    var body = new PacketBodyStream(input, header);
                    int version = body.ReadByte();
                    if (version == 1)
                    {
                        return new MessageEnvelope(leading, header, [1], body);
                    }

                    if (version != 2)
                    {
                        throw new CryptoException(CryptoFailure.UnsupportedMessage, $"The message uses encrypted data version {version}, which is not supported (only versions 1 and 2).");
                    }

                    byte[] prefix = new byte[4 + SeipdV2Parameters.SaltSize];
                    prefix[0] = 2;
                    if (body.ReadAtLeast(prefix.AsSpan(1), prefix.Length - 1, throwOnEndOfStream: false) < prefix.Length - 1)
                    {
                        throw new CryptoException(CryptoFailure.Truncated, "The message is truncated: its encrypted data is too short.");
                    }

                    return new MessageEnvelope(leading, header, prefix, body);
                case 9:
                    throw new CryptoException(CryptoFailure.MessageRefused, "The message has no integrity protection (no MDC); it is refused.");
                case 20:
                    throw new CryptoException(CryptoFailure.UnsupportedMessage, "The message uses the draft AEAD encrypted data packet (tag 20, GnuPG's OCB mode), which OpenPGP (RFC 9580) does not define; encrypt it again with SEIPD (gpg: --rfc4880 or a recipient without AEAD).");
                default:
                    throw new CryptoException(CryptoFailure.Malformed, NotEncrypted);
            }
        }

        throw leading.Count == 0
            ? new CryptoException(CryptoFailure.Malformed, NotEncrypted)
            : new CryptoException(CryptoFailure.Truncated, "The message is truncated: it has no encrypted data.");
    }

    /// <summary>The payload's parameters keyed with <paramref name="session"/> (v2 only).</summary>
    public SeipdV2Parameters V2Parameters(SessionKey session) =>
        new(PayloadPrefix[1], PayloadPrefix[2], PayloadPrefix[3], PayloadPrefix[4..], session.Key);

    private static EnvelopePacket ReadLeading(Stream input, PacketHeader header)
    {
        if (header.Partial || header.Length is < 0 or > MaxLeadingPacket)
        {
            throw new CryptoException(CryptoFailure.Malformed, "The message's session key packet has an invalid length.");
        }

        byte[] encoded = new byte[header.Raw.Length + header.Length];
        header.Raw.CopyTo(encoded, 0);
        input.ReadExactly(encoded, header.Raw.Length, (int)header.Length);
        byte[] body = encoded[header.Raw.Length..];
        // Session key packets of a version we do not know (LibrePGP's v5) are kept but never tried (RFC 9580 §5.1).
        int version = body.Length > 0 ? body[0] : -1;
        return header.Tag switch
        {
            1 when version is 3 or 6 => new EnvelopePacket(1, encoded, Pkesk.Parse(body), null),
            3 when version is 4 or 6 => new EnvelopePacket(3, encoded, null, Skesk.Parse(body)),
            _ => new EnvelopePacket(header.Tag, encoded, null, null),
        };
    }
}

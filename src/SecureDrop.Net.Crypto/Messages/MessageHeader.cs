using Org.BouncyCastle.Bcpg;

namespace SecureDrop.Net.Crypto;

/// <summary>One packet before the encrypted payload, parsed, with its exact encoding for copying it unchanged.</summary>
internal sealed record LeadingPacket(int Tag, byte[] Encoded, PublicKeyEncSessionPacket? Session);

/// <summary>
/// The start of an encrypted message, read packet by packet up to the payload: session key packets (public-key
/// and passphrase), marker packets, then the SEIPD v1 header. Everything else is refused with the reason, so
/// nothing downstream meets an unprotected (SED) or unsupported payload.
/// </summary>
internal sealed class MessageHeader
{
    // A PKESK for RSA 16384 is about 2 KiB; anything far larger is not a session key packet we could use.
    private const int MaxLeadingPacket = 16 * 1024;

    private MessageHeader(List<LeadingPacket> leading, PacketHeader payload, Stream payloadBody)
    {
        Leading = leading;
        Payload = payload;
        PayloadBody = payloadBody;
    }

    public IReadOnlyList<LeadingPacket> Leading { get; }

    public IEnumerable<PublicKeyEncSessionPacket> Sessions =>
        Leading.Select(p => p.Session).OfType<PublicKeyEncSessionPacket>();

    /// <summary>The SEIPD packet's header, bytes included.</summary>
    public PacketHeader Payload { get; }

    /// <summary>The SEIPD body after its version octet, partial lengths removed.</summary>
    public Stream PayloadBody { get; }

    public static MessageHeader Read(Stream input)
    {
        const string NotEncrypted = "The data is not an OpenPGP encrypted message.";
        var leading = new List<LeadingPacket>();
        while (PacketHeader.Read(input) is { } header)
        {
            switch (header.Tag)
            {
                case (int)PacketTag.PublicKeyEncryptedSession or (int)PacketTag.SymmetricKeyEncryptedSessionKey
                    or (int)PacketTag.Marker:
                    leading.Add(ReadLeading(input, header));
                    break;
                case (int)PacketTag.SymmetricEncryptedIntegrityProtected:
                    var body = new PacketBodyStream(input, header);
                    int version = body.ReadByte();
                    return version == 1
                        ? new MessageHeader(leading, header, body)
                        : throw new CryptoException($"The message uses encrypted data version {version}, which is not supported (only version 1).");
                case (int)PacketTag.SymmetricKeyEncrypted:
                    throw new CryptoException("The message has no integrity protection (no MDC); it is refused.");
                case (int)PacketTag.AeadEncData:
                    throw new CryptoException("The message uses AEAD encrypted data (OCB/EAX), which is not supported.");
                default:
                    throw new CryptoException(NotEncrypted);
            }
        }

        throw new CryptoException(leading.Count == 0 ? NotEncrypted : "The message is truncated: it has no encrypted data.");
    }

    private static LeadingPacket ReadLeading(Stream input, PacketHeader header)
    {
        if (header.Partial || header.Length is < 0 or > MaxLeadingPacket)
        {
            throw new CryptoException("The message's session key packet has an invalid length.");
        }

        byte[] encoded = new byte[header.Raw.Length + header.Length];
        header.Raw.CopyTo(encoded, 0);
        input.ReadExactly(encoded, header.Raw.Length, (int)header.Length);
        PublicKeyEncSessionPacket? session = null;
        if (header.Tag == (int)PacketTag.PublicKeyEncryptedSession)
        {
            try
            {
                session = (PublicKeyEncSessionPacket)new BcpgInputStream(new MemoryStream(encoded)).ReadPacket();
            }
            catch (Exception e) when (OpenPgpInput.IsLibraryFailure(e))
            {
                throw new CryptoException("The message's session key packet is malformed.", e);
            }
        }

        return new LeadingPacket(header.Tag, encoded, session);
    }
}

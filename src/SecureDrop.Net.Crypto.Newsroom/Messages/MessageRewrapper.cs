using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Security;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Key rotation for stored items: rewrites a message's public-key packet so that a new newsroom key opens it,
/// leaving the encrypted payload byte for byte as it was. Only the session key is re-encrypted; the content is
/// never re-encrypted and never leaves this method.
/// </summary>
/// <remarks>
/// Threat: destroying a retired key while an item still needs it, or re-wrapping a damaged or substituted item
/// into one that looks fine. The payload is therefore decrypted in passing and its MDC checked (the plaintext
/// is discarded in fixed buffers): when <see cref="Rewrap"/> returns, the output opens with the new key and its
/// integrity check passes. When it throws, discard the output and keep the input. Memory use does not depend
/// on the message size. Session key packets to other recipients (a source's reply key) are kept unchanged.
/// </remarks>
public static class MessageRewrapper
{
    /// <summary>
    /// Reads a binary message encrypted to <paramref name="oldKey"/> from <paramref name="input"/> and writes to
    /// <paramref name="output"/> the same message, its packets to the old key replaced by one to
    /// <paramref name="newKey"/>.
    /// </summary>
    /// <exception cref="CryptoException">Not a binary OpenPGP message, not encrypted to the old key, damaged or
    /// altered (including a failed integrity check at the end), or trailing data.</exception>
    public static void Rewrap(Stream input, NewsroomSecretKey oldKey, NewsroomPublicKey newKey, Stream output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(oldKey);
        ArgumentNullException.ThrowIfNull(newKey);
        ArgumentNullException.ThrowIfNull(output);
        var reading = new CopyingStream(input);
        try
        {
            (MessageHeader header, SessionKey session, List<byte[]> packets) = Prepare(reading, oldKey, newKey);
            using (session)
            {
                foreach (byte[] packet in packets)
                {
                    output.Write(packet);
                }

                output.Write(header.Payload.Raw);
                output.WriteByte(1);
                reading.Target = output;
                using (var payload = new SeipdReader(header.PayloadBody, CfbCipher.Create(session)))
                {
                    payload.ReadToEndAndVerify();
                }

                if (reading.ReadByte() >= 0)
                {
                    throw new CryptoException("The message is followed by trailing data; it was not re-wrapped.");
                }

                output.Flush();
            }
        }
        catch (Exception e) when (!reading.TargetFailed && OpenPgpInput.IsLibraryFailure(e))
        {
            throw new CryptoException("The message is damaged, truncated or was altered; it was not re-wrapped.", e);
        }
    }

    /// <summary>Reads up to the payload and returns the session key and the leading packets to write.</summary>
    private static (MessageHeader Header, SessionKey Session, List<byte[]> Packets) Prepare(
        Stream input, NewsroomSecretKey oldKey, NewsroomPublicKey newKey)
    {
        int first = input.ReadByte();
        if (first < 0)
        {
            throw new CryptoException("The input is empty: no OpenPGP data.");
        }

        if ((first & 0x80) == 0)
        {
            throw new CryptoException("The message is ASCII-armored; re-wrap works on binary messages as stored.");
        }

        MessageHeader header = MessageHeader.Read(new ReplayStream((byte)first, input));
        IReadOnlyDictionary<long, PgpPrivateKey> oldKeys = oldKey.DecryptionKeys;
        SessionKey? session = null;
        var packets = new List<byte[]>();
        foreach (LeadingPacket packet in header.Leading)
        {
            SessionKey? opened = packet.Session is { } pkesk ? Open(pkesk, oldKeys) : null;
            if (opened is null)
            {
                packets.Add(packet.Encoded);
            }
            else if (session is null)
            {
                session = opened;
                packets.Add(SessionKeyWrap.Encode(SessionKeyWrap.Wrap(session, newKey.EncryptionKey, new SecureRandom())));
            }
            else
            {
                opened.Dispose();
            }
        }

        return session is null
            ? throw new CryptoException("The message is not encrypted to the old key.")
            : (header, session, packets);
    }

    private static SessionKey? Open(PublicKeyEncSessionPacket packet, IReadOnlyDictionary<long, PgpPrivateKey> keys) =>
        keys.TryGetValue(packet.KeyId, out PgpPrivateKey? key) ? SessionKeyWrap.TryUnwrap(packet, key)
        : packet.KeyId == 0 ? keys.Values.Select(k => SessionKeyWrap.TryUnwrap(packet, k)).FirstOrDefault(s => s is not null)
        : null;
}

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Key rotation for stored items: rewrites a message's public-key packet so that a new newsroom key opens it,
/// leaving the encrypted payload byte for byte as it was. Only the session key is re-encrypted; the content is
/// never re-encrypted and never leaves this method.
/// </summary>
/// <remarks>
/// Threat: destroying a retired key while an item still needs it, or re-wrapping a damaged or substituted item
/// into one that looks fine. The payload is therefore decrypted in passing and its integrity checked (the plaintext
/// is discarded in fixed buffers): when <see cref="Rewrap"/> returns, the output opens with the new key and its
/// integrity check passes. When it throws, discard the output and keep the input. Memory use does not depend
/// on the message size. Session key packets to other recipients (a source's reply key) are kept unchanged.
/// </remarks>
public static class MessageRewrapper
{
    /// <summary>
    /// Reads a binary message encrypted to <paramref name="oldKey"/> from <paramref name="input"/> and writes to
    /// <paramref name="output"/> the same message, its packets to the old key replaced by one to
    /// <paramref name="newKey"/> (a v3 packet for a SEIPD v1 payload, a v6 packet for SEIPD v2, as RFC 9580 pairs
    /// them; to a post-quantum key, its algorithm 35 or 36 packet and nothing classic).
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
            (MessageEnvelope envelope, SessionKey session, List<byte[]> packets) = Prepare(reading, oldKey, newKey);
            using (session)
            {
                foreach (byte[] packet in packets)
                {
                    output.Write(packet);
                }

                output.Write(envelope.Payload.Raw);
                output.Write(envelope.PayloadPrefix);
                reading.Target = output;
                using (Stream payload = envelope.Version == 2
                    ? new SeipdV2Reader(envelope.PayloadBody, envelope.V2Parameters(session))
                    : new SeipdReader(envelope.PayloadBody, CfbCipher.Create(session)))
                {
                    ((IPayloadReader)payload).ReadToEndAndVerify();
                }

                if (reading.ReadByte() >= 0)
                {
                    throw new CryptoException(CryptoFailure.Tampered, "The message is followed by trailing data; it was not re-wrapped.");
                }

                output.Flush();
            }
        }
        catch (Exception e) when (!reading.TargetFailed && OpenPgpInput.IsLibraryFailure(e))
        {
            throw new CryptoException(CryptoFailure.Tampered, "The message is damaged, truncated or was altered; it was not re-wrapped.", e);
        }
    }

    /// <summary>Reads up to the payload and returns the session key and the leading packets to write.</summary>
    private static (MessageEnvelope Envelope, SessionKey Session, List<byte[]> Packets) Prepare(
        Stream input, NewsroomSecretKey oldKey, NewsroomPublicKey newKey)
    {
        int first = input.ReadByte();
        if (first < 0)
        {
            throw new CryptoException(CryptoFailure.Malformed, "The input is empty: no OpenPGP data.");
        }

        if ((first & 0x80) == 0)
        {
            throw new CryptoException(CryptoFailure.WrongKind, "The message is ASCII-armored; re-wrap works on binary messages as stored.");
        }

        MessageEnvelope envelope = MessageEnvelope.Read(new ReplayStream((byte)first, input));
        IReadOnlyList<DecryptionKey> oldKeys = oldKey.DecryptionKeys;
        SessionKey? session = null;
        var packets = new List<byte[]>();
        foreach (EnvelopePacket packet in envelope.Leading)
        {
            SessionKey? opened = packet.PublicKey is { } pkesk ? Open(pkesk, envelope.Cipher, oldKeys) : null;
            if (opened is null)
            {
                packets.Add(packet.Encoded);
            }
            else if (session is null)
            {
                session = opened;
                packets.Add(SessionKeyEncryption.Encrypt(newKey.EncryptionKey, session, envelope.Version == 2 ? 6 : 3));
            }
            else
            {
                opened.Dispose();
            }
        }

        return session is null
            ? throw new CryptoException(CryptoFailure.NotForThisKey, "The message is not encrypted to the old key.")
            : (envelope, session, packets);
    }

    private static SessionKey? Open(Pkesk packet, int cipher, IReadOnlyList<DecryptionKey> keys) =>
        keys.Where(k => packet.IsAnonymous || packet.Names(k.Key)).Select(k => k.TryDecrypt(packet, cipher)).FirstOrDefault(s => s is not null);
}

namespace SecureDrop.Net.Crypto;

/// <summary>
/// One decryption: find our session key, refuse unprotected data, stream the literal data out, then check the
/// integrity of the whole payload (the MDC of SEIPD v1, the final tag of SEIPD v2) and that nothing follows the
/// message. Failures of the sink (a full disk) pass through as they are; failures reading the message become
/// <see cref="CryptoException"/>.
/// </summary>
/// <remarks>
/// The outer packets (<see cref="MessageEnvelope"/>: v3 and v6 session key packets, any algorithm we accept,
/// RFC 9980's ML-KEM included) and the payload (<see cref="SeipdReader"/>, <see cref="SeipdV2Reader"/>) are ours:
/// fast AES and SHA-1 or OCB, and the session key in hand. A literal packet at the start of the payload (every stock
/// tool's uncompressed message) is parsed by <see cref="LiteralCopy"/>, which writes its data straight from the
/// decrypted segments, and the padding after it (<see cref="TrailingPadding"/>) is skipped there too; anything else
/// after it, and every other shape (compressed, signed by a v4 or v6 key), is <see cref="InnerPackets"/>' to parse.
/// </remarks>
internal sealed class DecryptionRun(IReadOnlyList<DecryptionKey> keys, Stream sink)
{
    private const string Damaged = "The message is damaged, truncated or was altered; discard any output.";

    private bool _writingToSink;

    public string Run(Stream ciphertext)
    {
        try
        {
            long? length = ciphertext.CanSeek ? Math.Max(0, ciphertext.Length - ciphertext.Position) : null;
            Stream input = OpenPgpInput.Unarmor(ciphertext, out bool armored);
            MessageEnvelope envelope = ReadEnvelope(input);
            string? fileName;
            using (SessionKey session = FindSession(envelope))
            using (Stream payloadStream = OpenPayload(envelope, session, length))
            {
                var payload = (IPayloadReader)payloadStream;
                try
                {
                    // Straight from the decrypted segments when the payload starts with the literal packet (what every
                    // stock tool sends uncompressed), then its padding; whatever else follows it, and every other
                    // shape, goes to the general inner packet reader.
                    fileName = LiteralCopy.Applies(payload) ? new LiteralCopy(payload).Copy(WriteToSink) : null;
                    if (fileName is not null)
                    {
                        TrailingPadding.Skip(payload);
                    }

                    fileName = InnerPackets.CopyLiteral(payloadStream, WriteToSink, fileName);
                }
                catch (Exception e) when (!_writingToSink && (e is CryptoException || OpenPgpInput.IsLibraryFailure(e)))
                {
                    // Packets that do not parse are most often altered ones: the integrity check, if it fails, says so.
                    payload.ReadToEndAndVerify();
                    throw;
                }

                payload.ReadToEndAndVerify();
            }

            // Armor ends at its END line, so what follows it in the raw input must be checked separately.
            if (input.ReadByte() >= 0 || (armored && OpenPgpInput.NextNonWhitespace(ciphertext) >= 0))
            {
                throw new CryptoException(CryptoFailure.Tampered, "The message is followed by trailing data; discard any output.");
            }

            return fileName ?? throw new CryptoException(CryptoFailure.Malformed, "The message holds no literal data.");
        }
        catch (Exception e) when (!_writingToSink && OpenPgpInput.IsLibraryFailure(e))
        {
            throw new CryptoException(CryptoFailure.Tampered, Damaged, e);
        }
    }

    /// <summary>The session key of the first packet one of <paramref name="keys"/> opens.</summary>
    /// <remarks>A hidden recipient (gpg --throw-keyids): only trying a key tells whether it is ours.</remarks>
    public static SessionKey? TryFindSession(MessageEnvelope envelope, IReadOnlyList<DecryptionKey> keys)
    {
        foreach (Pkesk packet in envelope.PublicKeyPackets)
        {
            foreach (DecryptionKey key in keys)
            {
                if ((packet.IsAnonymous || packet.Names(key.Key)) && key.TryDecrypt(packet, envelope.Cipher) is { } session)
                {
                    return session;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The payload reader for the envelope's version. SEIPD v1 decrypts in buffers no larger than the message: a
    /// small one (a text, a sealed file header, a reply) needs no 1 MiB segments, and allocating and clearing them per
    /// message was most of the console's cost of opening a conversation. A whole number of 4 KiB, so of any block
    /// size; a message larger than the reader's chunk (or of unknown length) gets the reader's own size. SEIPD v2
    /// reads a small message in one chunk's buffer.
    /// </summary>
    private static Stream OpenPayload(MessageEnvelope envelope, SessionKey session, long? length)
    {
        if (envelope.Version == 2)
        {
            return new SeipdV2Reader(envelope.PayloadBody, envelope.V2Parameters(session), smallFirst: length is < 2 * 1024 * 1024);
        }

        int chunk = length is { } remaining
            ? (int)Math.Min(SeipdReader.ChunkSize, Math.Max(4096, (remaining + 4095) / 4096 * 4096))
            : SeipdReader.ChunkSize;
        return new SeipdReader(envelope.PayloadBody, CfbCipher.Create(session), chunk);
    }

    private static MessageEnvelope ReadEnvelope(Stream input)
    {
        try
        {
            return MessageEnvelope.Read(input);
        }
        catch (Exception e) when (OpenPgpInput.IsLibraryFailure(e))
        {
            throw new CryptoException(CryptoFailure.Malformed, "The data is not an OpenPGP encrypted message.", e);
        }
    }

    private SessionKey FindSession(MessageEnvelope envelope)
    {
        if (TryFindSession(envelope, keys) is { } session)
        {
            return session;
        }

        // A packet addressed to our key that does not open was damaged or forged; say so rather than "not ours".
        return envelope.PublicKeyPackets.Any(p => keys.Any(k => p.Names(k.Key)))
            ? throw new CryptoException(CryptoFailure.WrongKeyOrAltered, "The message's session key packet for this key is damaged; the message cannot be decrypted.")
            : throw new CryptoException(CryptoFailure.NotForThisKey, "The message is not encrypted to this key.");
    }

    private void WriteToSink(ReadOnlySpan<byte> data)
    {
        _writingToSink = true;
        sink.Write(data);
        _writingToSink = false;
    }
}

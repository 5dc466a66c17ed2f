using System.Security.Cryptography;
using System.Runtime.CompilerServices;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// One decryption: find our session key, refuse unprotected data, stream the literal data out, then check the MDC
/// and that nothing follows the message. Failures of the sink (a full disk) pass through as they are; failures
/// reading the message become <see cref="CryptoException"/>.
/// </summary>
/// <remarks>
/// The outer packets and the SEIPD payload are ours (<see cref="MessageHeader"/>, <see cref="SeipdReader"/>):
/// fast AES and SHA-1, and the session key in hand. A literal packet at the start of the payload (every stock tool's
/// uncompressed message) is parsed by <see cref="LiteralCopy"/>, which writes its data straight from the decrypted
/// segments, and the padding after it (<see cref="TrailingPadding"/>) is skipped there too; anything else after it,
/// and every other shape (compressed, signed), is BouncyCastle's to parse.
/// </remarks>
internal sealed class DecryptionRun(IReadOnlyDictionary<long, PgpPrivateKey> keys, Stream sink)
{
    // Matches the payload reader's chunk: fewer, larger writes to the sink.
    private const int BufferSize = 256 * 1024;

    // Gpg never nests compression; a bound stops a crafted message from recursing (a "zip quine").
    private const int MaxCompressionDepth = 1;

    private const string Damaged = "The message is damaged, truncated or was altered; discard any output.";

    private bool _writingToSink;

    public string Run(Stream ciphertext)
    {
        int chunk = ChunkFor(ciphertext);
        byte[] buffer = new byte[Math.Min(BufferSize, chunk)];
        try
        {
            Stream input = OpenPgpInput.Unarmor(ciphertext, out bool armored);
            MessageHeader header = ReadHeader(input);
            string? fileName;
            using (SessionKey session = FindSession(header))
            using (var payload = new SeipdReader(header.PayloadBody, CfbCipher.Create(session), chunk))
            {
                try
                {
                    // Straight from the decrypted segments when the payload starts with the literal packet (what every
                    // stock tool sends uncompressed), then its padding; whatever else follows it, and every other
                    // shape, goes to BouncyCastle.
                    fileName = LiteralCopy.Applies(payload) ? new LiteralCopy(payload).Copy(WriteToSink) : null;
                    if (fileName is not null)
                    {
                        TrailingPadding.Skip(payload);
                    }

                    fileName = CopyLiteral(new PgpObjectFactory(payload), buffer, 0, fileName);
                }
                catch (Exception e) when (!_writingToSink && (e is CryptoException || OpenPgpInput.IsLibraryFailure(e)))
                {
                    // Packets that do not parse are most often altered ones: the MDC, if it fails, says so.
                    payload.ReadToEndAndVerify();
                    throw;
                }

                payload.ReadToEndAndVerify();
            }

            // Armor ends at its END line, so what follows it in the raw input must be checked separately.
            if (input.ReadByte() >= 0 || (armored && OpenPgpInput.NextNonWhitespace(ciphertext) >= 0))
            {
                throw new CryptoException("The message is followed by trailing data; discard any output.");
            }

            return fileName ?? throw new CryptoException("The message holds no literal data.");
        }
        catch (Exception e) when (!_writingToSink && OpenPgpInput.IsLibraryFailure(e))
        {
            throw new CryptoException(Damaged, e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    /// <summary>
    /// Buffers no larger than the message: a small one (a text, a sealed file header, a reply) needs no 1 MiB
    /// segments, and allocating and clearing them per message was most of the console's cost of opening a
    /// conversation, with a full garbage collection about every page. A whole number of 4 KiB, so of any block size;
    /// a message larger than the payload reader's chunk (or of unknown length) gets the reader's own size.
    /// </summary>
    private static int ChunkFor(Stream ciphertext)
    {
        if (!ciphertext.CanSeek)
        {
            return SeipdReader.ChunkSize;
        }

        long remaining = Math.Max(0, ciphertext.Length - ciphertext.Position);
        return (int)Math.Min(SeipdReader.ChunkSize, Math.Max(4096, (remaining + 4095) / 4096 * 4096));
    }

    /// <summary>The session key of the first packet one of <paramref name="keys"/> opens.</summary>
    /// <remarks>Key id 0 hides the recipient (gpg --throw-keyids): only trying a key tells whether it is ours.</remarks>
    public static SessionKey? TryFindSession(MessageHeader header, IReadOnlyDictionary<long, PgpPrivateKey> keys)
    {
        foreach (PublicKeyEncSessionPacket packet in header.Sessions)
        {
            IEnumerable<PgpPrivateKey> candidates = keys.TryGetValue(packet.KeyId, out PgpPrivateKey? key) ? [key]
                : packet.KeyId == 0 ? keys.Values : [];
            foreach (PgpPrivateKey candidate in candidates)
            {
                if (SessionKeyWrap.TryUnwrap(packet, candidate) is { } session)
                {
                    return session;
                }
            }
        }

        return null;
    }

    private static MessageHeader ReadHeader(Stream input)
    {
        try
        {
            return MessageHeader.Read(input);
        }
        catch (Exception e) when (OpenPgpInput.IsLibraryFailure(e))
        {
            throw new CryptoException("The data is not an OpenPGP encrypted message.", e);
        }
    }

    private SessionKey FindSession(MessageHeader header)
    {
        if (TryFindSession(header, keys) is { } session)
        {
            return session;
        }

        // A packet addressed to our key id that does not open was damaged or forged; say so rather than "not ours".
        return header.Sessions.Any(p => keys.ContainsKey(p.KeyId))
            ? throw new CryptoException("The message's session key packet for this key is damaged; the message cannot be decrypted.")
            : throw new CryptoException("The message is not encrypted to this key.");
    }

    /// <summary>Streams exactly one literal packet to the sink; signatures are skipped (not verified here).</summary>
    private string? CopyLiteral(PgpObjectFactory factory, byte[] buffer, int depth, string? fileName = null)
    {
        while (factory.NextPgpObject() is { } item)
        {
            string? found = item switch
            {
                PgpLiteralData literal => Copy(literal, buffer),
                PgpCompressedData compressed when depth < MaxCompressionDepth =>
                    CopyLiteral(new PgpObjectFactory(compressed.GetDataStream()), buffer, depth + 1),
                PgpOnePassSignatureList or PgpSignatureList or PgpMarker or PgpPadding => null,
                _ => throw new CryptoException("The message holds an unexpected packet inside its encryption."),
            };
            if (found is not null && fileName is not null)
            {
                throw new CryptoException("The message holds more than one literal data packet.");
            }

            fileName ??= found;
        }

        return fileName;
    }

    private void WriteToSink(ReadOnlySpan<byte> data)
    {
        _writingToSink = true;
        sink.Write(data);
        _writingToSink = false;
    }

    // Hot loop of a 1 GiB message: compile it optimized at once instead of starting in tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private string Copy(PgpLiteralData literal, byte[] buffer)
    {
        // Whole buffers to the sink: the payload hands out a segment at a time, which rarely fills the buffer.
        Stream source = literal.GetInputStream();
        int filled;
        do
        {
            filled = 0;
            int read;
            while (filled < buffer.Length && (read = source.Read(buffer, filled, buffer.Length - filled)) > 0)
            {
                filled += read;
            }

            if (filled > 0)
            {
                _writingToSink = true;
                sink.Write(buffer, 0, filled);
                _writingToSink = false;
            }
        }
        while (filled == buffer.Length);

        return literal.FileName;
    }
}

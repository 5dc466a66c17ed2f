using System.Buffers;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Utilities.Bzip2;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Reads the packets inside the encryption (RFC 9580 §10.3): exactly one literal data packet, whose data goes to
/// the sink, optionally inside one compressed data packet (ZIP, ZLIB, BZip2), and around it one-pass signature,
/// signature, marker and padding packets of any version, which are skipped (signatures are not verified here).
/// </summary>
/// <remarks>
/// Why our own: BouncyCastle 2.7.0's object factory throws on version 6 one-pass signature and signature packets,
/// which every signed message from a v6 key (and RFC 9980's samples) carries. A compressed packet inside a
/// compressed packet is refused: gpg never nests them, and a bound stops a crafted message from recursing.
/// </remarks>
internal static class InnerPackets
{
    private const int MaxCompressionDepth = 1;

    /// <summary>Copies the literal data to <paramref name="write"/>; returns its file name, or null when there was none.</summary>
    /// <param name="fileName">The name of a literal packet already copied by a faster path, if any.</param>
    public static string? CopyLiteral(Stream packets, Action<ReadOnlySpan<byte>> write, string? fileName = null, int depth = 0)
    {
        byte[]? buffer = null;
        try
        {
            while (ReadHeader(packets) is { } header)
            {
                using var body = new PacketBodyStream(packets, header);
                string? found = null;
                switch (header.Tag)
                {
                    case 11:
                        found = CopyLiteralBody(body, write, buffer ??= ArrayPool<byte>.Shared.Rent(64 * 1024));
                        break;
                    case 8 when depth < MaxCompressionDepth:
                        using (Stream inflated = Decompress(body))
                        {
                            found = CopyLiteral(inflated, write, null, depth + 1);
                        }

                        // What the decompressor left (a stream's end marker, padding) is part of the packet, not a packet.
                        body.CopyTo(Stream.Null);

                        break;
                    case 2 or 4 or 10 or 21:
                        body.CopyTo(Stream.Null);
                        break;
                    default:
                        throw new CryptoException(CryptoFailure.Malformed, "The message holds an unexpected packet inside its encryption.");
                }

                if (found is not null && fileName is not null)
                {
                    throw new CryptoException(CryptoFailure.Malformed, "The message holds more than one literal data packet.");
                }

                fileName ??= found;
            }

            return fileName;
        }
        finally
        {
            if (buffer is not null)
            {
                // Rented for a literal body only: most messages are copied by the fast path and never get here.
                CryptographicOperations.ZeroMemory(buffer);
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static PacketHeader? ReadHeader(Stream packets)
    {
        int first = packets.ReadByte();
        if (first < 0)
        {
            return null;
        }

        if ((first & 0x80) == 0)
        {
            throw new CryptoException(CryptoFailure.Tampered, "The message is damaged, truncated or was altered; discard any output.");
        }

        return PacketHeader.Read(new ReplayStream((byte)first, packets));
    }

    /// <summary>Format octet, name length and name, four-octet date, then the data (RFC 9580 §5.9).</summary>
    private static string CopyLiteralBody(Stream body, Action<ReadOnlySpan<byte>> write, byte[] buffer)
    {
        Span<byte> head = stackalloc byte[2];
        body.ReadExactly(head);
        byte[] name = new byte[head[1]];
        body.ReadExactly(name);
        body.ReadExactly(stackalloc byte[4]);
        int read;
        while ((read = body.Read(buffer)) > 0)
        {
            write(buffer.AsSpan(0, read));
        }

        return Encoding.UTF8.GetString(name);
    }

    private static Stream Decompress(Stream body)
    {
        int algorithm = body.ReadByte();
        return algorithm switch
        {
            0 => body,
            1 => new DeflateStream(body, CompressionMode.Decompress, leaveOpen: true),
            2 => new ZLibStream(body, CompressionMode.Decompress, leaveOpen: true),
            3 => new CBZip2InputStreamLeaveOpen(body),
            _ => throw new CryptoException(CryptoFailure.UnsupportedMessage, $"The message is compressed with an unknown algorithm ({algorithm})."),
        };
    }
}

using System.Buffers.Binary;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// One OpenPGP packet of a key, held whole in memory: its tag, its body and the header octets it was read with, so
/// that a key is written back exactly as it came (RFC 9580 §4.2). Keys are small; messages never come through here.
/// </summary>
internal sealed class RawPacket(int tag, byte[] header, byte[] body)
{
    public int Tag { get; } = tag;

    /// <summary>The header octets as read (old or new format), or a new-format header for a packet made here.</summary>
    public byte[] Header { get; } = header;

    public byte[] Body { get; } = body;

    /// <summary>A packet with a new-format header (RFC 9580 §4.2.1) in its shortest definite length.</summary>
    public static RawPacket Create(int tag, byte[] body) => new(tag, NewHeader(tag, body.Length), body);

    /// <summary>
    /// The packet with another tag and body, in the header format of this one: a secret key packet turned into its
    /// public key packet keeps the old-format header gpg writes, so a public key reads as gpg would export it.
    /// </summary>
    public RawPacket WithBody(int newTag, byte[] newBody) =>
        new(newTag, (Header[0] & 0x40) == 0 && newTag < 16 ? OldHeader(newTag, newBody.Length, Header) : NewHeader(newTag, newBody.Length), newBody);

    public void WriteTo(Stream output)
    {
        output.Write(Header);
        output.Write(Body);
    }

    public static byte[] NewHeader(int tag, int length)
    {
        Span<byte> header = stackalloc byte[6];
        header[0] = (byte)(0xC0 | tag);
        int written = PacketHeader.WriteNewLength(header[1..], length);
        return header[..(1 + written)].ToArray();
    }

    /// <summary>An old-format header with the same length-type octet count as <paramref name="model"/> where it fits.</summary>
    private static byte[] OldHeader(int tag, int length, byte[] model)
    {
        int lengthType = model[0] & 3;
        int octets = lengthType switch { 0 => 1, 1 => 2, _ => 4 };
        if (octets == 1 && length > 0xFF)
        {
            (lengthType, octets) = (1, 2);
        }

        if (octets == 2 && length > 0xFFFF)
        {
            (lengthType, octets) = (2, 4);
        }

        byte[] header = new byte[1 + octets];
        header[0] = (byte)(0x80 | (tag << 2) | lengthType);
        Span<byte> lengthOctets = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(lengthOctets, length);
        lengthOctets[(4 - octets)..].CopyTo(header.AsSpan(1));
        return header;
    }
}

/// <summary>
/// Splits binary OpenPGP data into whole packets. Partial body lengths are refused: RFC 9580 §4.2.1.4 allows them
/// only for data packets, never in a key.
/// </summary>
internal static class RawPackets
{
    public static List<RawPacket> Read(ReadOnlySpan<byte> data)
    {
        var packets = new List<RawPacket>();
        int at = 0;
        while (at < data.Length)
        {
            int first = data[at];
            if ((first & 0x80) == 0)
            {
                throw new CryptoException(CryptoFailure.Malformed, "The data is not a readable OpenPGP key (a packet header is malformed).");
            }

            int start = at++;
            int tag;
            long length;
            if ((first & 0x40) != 0)
            {
                tag = first & 0x3F;
                int l1 = Octet(data, at++);
                if (l1 < 192)
                {
                    length = l1;
                }
                else if (l1 < 224)
                {
                    length = ((l1 - 192) << 8) + Octet(data, at++) + 192;
                }
                else if (l1 == 255)
                {
                    length = BigEndian(data, at, 4);
                    at += 4;
                }
                else
                {
                    throw new CryptoException(CryptoFailure.Malformed, "The data is not a readable OpenPGP key (a key packet uses partial lengths).");
                }
            }
            else
            {
                tag = (first >> 2) & 0x0F;
                int octets = (first & 3) switch { 0 => 1, 1 => 2, 2 => 4, _ => 0 };
                if (octets == 0)
                {
                    throw new CryptoException(CryptoFailure.Malformed, "The data is not a readable OpenPGP key (a packet has an indeterminate length).");
                }

                length = BigEndian(data, at, octets);
                at += octets;
            }

            if (length > data.Length - at)
            {
                throw new CryptoException(CryptoFailure.Truncated, "The data is not a readable OpenPGP key: it is truncated inside a packet.");
            }

            packets.Add(new RawPacket(tag, data[start..at].ToArray(), data.Slice(at, (int)length).ToArray()));
            at += (int)length;
        }

        return packets;
    }

    private static int Octet(ReadOnlySpan<byte> data, int at) =>
        at < data.Length ? data[at] : throw new CryptoException(CryptoFailure.Truncated, "The data is not a readable OpenPGP key: it is truncated inside a packet header.");

    private static long BigEndian(ReadOnlySpan<byte> data, int at, int octets)
    {
        long value = 0;
        for (int i = 0; i < octets; i++)
        {
            value = (value << 8) | (uint)Octet(data, at + i);
        }

        return value;
    }
}

namespace SecureDrop.Net.Crypto;

/// <summary>
/// One OpenPGP packet header (RFC 4880 §4.2), old or new format, with the exact bytes it was read from so a
/// re-wrap can copy it unchanged. <see cref="Length"/> is the first chunk when <see cref="Partial"/>, and -1 for
/// an old-format packet of indeterminate length (it runs to the end of the input).
/// </summary>
internal readonly record struct PacketHeader(int Tag, long Length, bool Partial, byte[] Raw)
{
    /// <summary>Reads a header, or returns null at the end of the input.</summary>
    public static PacketHeader? Read(Stream input)
    {
        int first = input.ReadByte();
        if (first < 0)
        {
            return null;
        }

        if ((first & 0x80) == 0)
        {
            throw new CryptoException(CryptoFailure.Malformed, "The data is not an OpenPGP encrypted message.");
        }

        var raw = new List<byte>(6) { (byte)first };
        if ((first & 0x40) != 0)
        {
            (long length, bool partial) = ReadNewLength(input, raw);
            return new PacketHeader(first & 0x3F, length, partial, [.. raw]);
        }

        int tag = (first >> 2) & 0x0F;
        int octets = (first & 3) switch { 0 => 1, 1 => 2, 2 => 4, _ => 0 };
        return new PacketHeader(tag, octets == 0 ? -1 : ReadBigEndian(input, octets, raw), false, [.. raw]);
    }

    /// <summary>Reads a new-format body length; partial lengths (224–254) are a power of two up to 2^30.</summary>
    public static (long Length, bool Partial) ReadNewLength(Stream input, List<byte>? raw)
    {
        int l1 = ReadOctet(input, raw);
        return l1 switch
        {
            < 192 => (l1, false),
            < 224 => (((l1 - 192) << 8) + ReadOctet(input, raw) + 192, false),
            255 => (ReadBigEndian(input, 4, raw), false),
            _ => (1L << (l1 & 0x1F), true),
        };
    }

    /// <summary>Writes a definite new-format length in its shortest form.</summary>
    public static int WriteNewLength(Span<byte> destination, int length)
    {
        if (length < 192)
        {
            destination[0] = (byte)length;
            return 1;
        }

        if (length < 8384)
        {
            destination[0] = (byte)(((length - 192) >> 8) + 192);
            destination[1] = (byte)(length - 192);
            return 2;
        }

        destination[0] = 255;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(destination[1..], length);
        return 5;
    }

    private static long ReadBigEndian(Stream input, int octets, List<byte>? raw)
    {
        long value = 0;
        for (int i = 0; i < octets; i++)
        {
            value = (value << 8) | (uint)ReadOctet(input, raw);
        }

        return value;
    }

    private static int ReadOctet(Stream input, List<byte>? raw)
    {
        int b = input.ReadByte();
        if (b < 0)
        {
            throw new CryptoException(CryptoFailure.Truncated, "The message is truncated: it ends inside a packet header.");
        }

        raw?.Add((byte)b);
        return b;
    }
}

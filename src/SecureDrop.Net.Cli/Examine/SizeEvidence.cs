using SecureDrop.Net.Crypto;

namespace SecureDrop.Net.Cli.Examine;

/// <summary>The plaintext sizes an examiner can still tell an item had, from its ciphertext alone.</summary>
/// <param name="InnerBytes">The encrypted payload's plaintext length (inner packets), exact: the framing is in clear.</param>
/// <param name="Padded">Whether that length is one our padding produces (Padmé, above the floor).</param>
internal sealed record SizeRange(string ItemId, long StoredBytes, long InnerBytes, bool Padded, long Low, long High)
{
    public long Width => High - Low + 1;
}

/// <summary>
/// Reads each item's outer packets (session keys, then the SEIPD packet's version and length headers, which are not
/// encrypted) to learn the exact length of what is encrypted, then works back to every plaintext length our writer
/// could have turned into it: with padding, everything in Padmé's bucket; without, the length itself give or take
/// the file name's length (0 for a message, up to 255 octets for a file).
/// </summary>
internal static class SizeEvidence
{
    // Our literal packet: a 64 KiB first chunk, then 256 KiB chunks (PartialBodyWriter with SeipdWriter.LargePieceBits).
    private const long FirstChunk = 64 * 1024;
    private const long LaterChunk = 256 * 1024;

    public static SizeRange? Read(string path, string itemId, string kind)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        while (ReadHeader(file) is var (tag, length, partial))
        {
            if (tag != 18)
            {
                file.Seek(length, SeekOrigin.Current);
                continue;
            }

            var start = file.Position;
            var body = length;
            file.Seek(length, SeekOrigin.Current);
            while (partial)
            {
                (length, partial) = ReadLength(file);
                body += length;
                file.Seek(length, SeekOrigin.Current);
            }

            file.Seek(start, SeekOrigin.Begin);
            var inner = file.ReadByte() switch
            {
                1 => body - 1 - 18 - 22,
                2 => InnerOfVersion2(file, body),
                _ => -1,
            };
            return inner < 0 ? null : Range(itemId, new FileInfo(path).Length, inner, kind == "message" ? 0 : 255);
        }

        return null;
    }

    /// <summary>Every plaintext length that our writer turns into <paramref name="inner"/> octets of inner packets.</summary>
    public static SizeRange Range(string itemId, long stored, long inner, int maxName)
    {
        var padded = inner >= MessagePadding.Floor && MessagePadding.Padme(inner) == inner;
        long low = long.MaxValue, high = -1;
        for (var name = 0; name <= maxName; name++)
        {
            // The literal packet grows with the data, so the lengths that land on this inner length are one interval.
            Func<long, long> result = padded ? n => MessagePadding.PaddedLength(Literal(n, name)) : n => Literal(n, name);
            var first = FirstAtLeast(result, inner);
            var last = FirstAtLeast(result, inner + 1) - 1;
            if (first <= last)
            {
                low = Math.Min(low, first);
                high = Math.Max(high, last);
            }
        }

        return high < 0 ? new SizeRange(itemId, stored, inner, padded, 0, -1) : new SizeRange(itemId, stored, inner, padded, low, high);
    }

    /// <summary>The length of our literal packet around <paramref name="data"/> octets with a name of <paramref name="name"/> octets.</summary>
    public static long Literal(long data, int name)
    {
        var body = 6 + name + data;
        if (body < FirstChunk)
        {
            return 1 + LengthOctets(body) + body;
        }

        // Tag and first partial length, one octet per later partial chunk, then the last piece's definite length
        // (a body that fills its last chunk exactly ends with an empty piece).
        var rest = body - FirstChunk;
        var partials = rest / LaterChunk;
        var last = rest - (partials * LaterChunk);
        return 2 + partials + LengthOctets(last) + body;
    }

    private static int LengthOctets(long length) => length < 192 ? 1 : length < 8384 ? 2 : 5;

    private static long FirstAtLeast(Func<long, long> f, long target)
    {
        long low = 0, high = 1L << 40;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (f(middle) >= target)
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }

        return low;
    }

    /// <summary>SEIPD v2: version, cipher, AEAD mode, chunk size, 32-octet salt, then chunks each with a 16-octet tag, and a final tag.</summary>
    private static long InnerOfVersion2(Stream file, long body)
    {
        file.ReadByte();
        file.ReadByte();
        var chunkBits = file.ReadByte();
        var chunk = 1L << (chunkBits + 6);
        var encrypted = body - 4 - 32 - 16;
        var chunks = (encrypted + chunk + 16 - 1) / (chunk + 16);
        return encrypted - (chunks * 16);
    }

    private static (int Tag, long Length, bool Partial)? ReadHeader(Stream file)
    {
        var first = file.ReadByte();
        if (first < 0 || (first & 0x80) == 0)
        {
            return null;
        }

        if ((first & 0x40) != 0)
        {
            var (length, partial) = ReadLength(file);
            return (first & 0x3F, length, partial);
        }

        var octets = (first & 3) switch { 0 => 1, 1 => 2, 2 => 4, _ => 0 };
        long value = 0;
        for (var i = 0; i < octets; i++)
        {
            value = (value << 8) | (uint)file.ReadByte();
        }

        return ((first >> 2) & 0xF, value, false);
    }

    private static (long Length, bool Partial) ReadLength(Stream file)
    {
        var l1 = file.ReadByte();
        return l1 switch
        {
            < 192 => (l1, false),
            < 224 => (((l1 - 192) << 8) + file.ReadByte() + 192, false),
            255 => (((long)file.ReadByte() << 24) | ((long)file.ReadByte() << 16) | ((long)file.ReadByte() << 8) | (long)file.ReadByte(), false),
            _ => (1L << (l1 & 0x1F), true),
        };
    }
}

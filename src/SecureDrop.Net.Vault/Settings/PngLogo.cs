using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace SecureDrop.Net.Vault.Settings;

/// <summary>
/// The organisation's logo, which every source's browser loads from the front end. Only a small, well-formed PNG is
/// accepted: each chunk's length and CRC checked, sane dimensions, image data that inflates to exactly the size its
/// header promises (no decompression bomb), nothing after IEND. What is stored is rebuilt from the image chunks only:
/// text, time, EXIF and every other ancillary chunk are dropped, so the file carries no editor's metadata to sources.
/// </summary>
public static class PngLogo
{
    public const int MaxBytes = 256 * 1024;
    public const int MaxDimension = 2048;

    private static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];
    private static readonly HashSet<string> Kept = ["IHDR", "PLTE", "tRNS", "IDAT", "IEND", "gAMA", "sRGB", "cHRM"];
    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>The cleaned PNG, or the reason it is refused in words an admin can act on.</summary>
    public static PngCheck Check(ReadOnlySpan<byte> file)
    {
        if (file.Length == 0)
        {
            return PngCheck.Refused("the file is empty.");
        }

        if (file.Length > MaxBytes)
        {
            return PngCheck.Refused($"the file is {file.Length} bytes; at most {MaxBytes} bytes (256 KiB).");
        }

        if (file.Length < Signature.Length + 12 || !file[..Signature.Length].SequenceEqual(Signature))
        {
            return PngCheck.Refused("the file is not a PNG image (PNG signature missing). Only PNG is accepted.");
        }

        using var output = new MemoryStream(file.Length);
        output.Write(Signature);
        using var imageData = new MemoryStream();
        var header = default(Header);
        var position = Signature.Length;
        var index = 0;
        var sawPalette = false;
        var sawEnd = false;
        var idatState = 0; // 0 before the first IDAT, 1 inside the run, 2 after it
        while (position < file.Length)
        {
            if (file.Length - position < 12)
            {
                return PngCheck.Refused("the PNG is truncated (an incomplete chunk at its end).");
            }

            var length = BinaryPrimitives.ReadUInt32BigEndian(file[position..]);
            if (length > file.Length - position - 12)
            {
                return PngCheck.Refused("the PNG is truncated or damaged (a chunk is longer than the file).");
            }

            var typeBytes = file.Slice(position + 4, 4);
            var body = file.Slice(position + 8, (int)length);
            var crc = BinaryPrimitives.ReadUInt32BigEndian(file[(position + 8 + (int)length)..]);
            if (Crc(file.Slice(position + 4, 4 + (int)length)) != crc)
            {
                return PngCheck.Refused("the PNG is damaged (a chunk's checksum does not match).");
            }

            foreach (var b in typeBytes)
            {
                if (b is not (>= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z'))
                {
                    return PngCheck.Refused("the PNG is damaged (a chunk has an invalid name).");
                }
            }

            var type = Encoding.ASCII.GetString(typeBytes);
            if (index == 0 && type != "IHDR")
            {
                return PngCheck.Refused("the PNG is damaged (it does not start with its header chunk).");
            }

            switch (type)
            {
                case "IHDR":
                    if (index != 0 || length != 13)
                    {
                        return PngCheck.Refused("the PNG is damaged (bad header chunk).");
                    }

                    if (!TryHeader(body, out header, out var problem))
                    {
                        return PngCheck.Refused(problem!);
                    }

                    break;
                case "PLTE":
                    sawPalette = true;
                    break;
                case "IDAT":
                    if (idatState == 2)
                    {
                        return PngCheck.Refused("the PNG is damaged (its image data is split).");
                    }

                    idatState = 1;
                    imageData.Write(body);
                    break;
                case "IEND":
                    sawEnd = true;
                    break;
                default:
                    if (char.IsUpper(type[0]))
                    {
                        return PngCheck.Refused($"the PNG uses a chunk this server does not know ({type}).");
                    }

                    break;
            }

            if (type != "IDAT" && idatState == 1)
            {
                idatState = 2;
            }

            if (Kept.Contains(type))
            {
                output.Write(file.Slice(position, 12 + (int)length));
            }

            position += 12 + (int)length;
            index++;
            if (sawEnd)
            {
                break;
            }
        }

        if (!sawEnd || position != file.Length)
        {
            return PngCheck.Refused(sawEnd ? "the file has data after the PNG's end." : "the PNG is truncated (no end chunk).");
        }

        if (idatState == 0)
        {
            return PngCheck.Refused("the PNG has no image data.");
        }

        if (header.ColorType == 3 && !sawPalette)
        {
            return PngCheck.Refused("the PNG is damaged (a palette image without a palette).");
        }

        if (!InflatesToExpectedSize(imageData, header))
        {
            return PngCheck.Refused("the PNG's image data is damaged or does not match its size.");
        }

        return new PngCheck(output.ToArray(), header.Width, header.Height, null);
    }

    private static bool TryHeader(ReadOnlySpan<byte> body, out Header header, out string? problem)
    {
        var width = BinaryPrimitives.ReadUInt32BigEndian(body);
        var height = BinaryPrimitives.ReadUInt32BigEndian(body[4..]);
        header = new Header((int)Math.Min(width, int.MaxValue), (int)Math.Min(height, int.MaxValue), body[8], body[9], body[12] == 1);
        problem = null;
        if (width is 0 or > MaxDimension || height is 0 or > MaxDimension)
        {
            problem = $"the image is {width}×{height} pixels; each side must be between 1 and {MaxDimension}.";
            return false;
        }

        var depthValid = header.ColorType switch
        {
            0 => header.BitDepth is 1 or 2 or 4 or 8 or 16,
            3 => header.BitDepth is 1 or 2 or 4 or 8,
            2 or 4 or 6 => header.BitDepth is 8 or 16,
            _ => false,
        };
        if (!depthValid || body[10] != 0 || body[11] != 0 || body[12] > 1)
        {
            problem = "the PNG is damaged (its header names an invalid colour type, depth, compression, filter or interlace method).";
            return false;
        }

        return true;
    }

    private static bool InflatesToExpectedSize(MemoryStream imageData, Header header)
    {
        var expected = ExpectedSize(header);
        imageData.Position = 0;
        try
        {
            using var inflater = new ZLibStream(imageData, CompressionMode.Decompress, leaveOpen: true);
            var buffer = new byte[64 * 1024];
            long total = 0;
            int read;
            while ((read = inflater.Read(buffer)) > 0)
            {
                total += read;
                if (total > expected)
                {
                    return false;
                }
            }

            return total == expected;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    private static long ExpectedSize(Header header)
    {
        var channels = header.ColorType switch { 2 => 3, 4 => 2, 6 => 4, _ => 1 };
        var bitsPerPixel = channels * header.BitDepth;
        long Rows(long width, long height) => width == 0 || height == 0 ? 0 : height * (1 + ((width * bitsPerPixel) + 7) / 8);
        if (!header.Interlaced)
        {
            return Rows(header.Width, header.Height);
        }

        ReadOnlySpan<int> adam7 = [0, 0, 8, 8, 4, 0, 8, 8, 0, 4, 4, 8, 2, 0, 4, 4, 0, 2, 2, 4, 1, 0, 2, 2, 0, 1, 1, 2];
        long total = 0;
        for (var pass = 0; pass < 7; pass++)
        {
            int x0 = adam7[pass * 4], y0 = adam7[(pass * 4) + 1], dx = adam7[(pass * 4) + 2], dy = adam7[(pass * 4) + 3];
            var width = header.Width > x0 ? (header.Width - x0 + dx - 1) / dx : 0;
            var height = header.Height > y0 ? (header.Height - y0 + dy - 1) / dy : 0;
            total += Rows(width, height);
        }

        return total;
    }

    private static uint Crc(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc ^ 0xFFFFFFFFu;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }

    private readonly record struct Header(int Width, int Height, byte BitDepth, byte ColorType, bool Interlaced);
}

/// <summary>A logo as it will be stored (<see cref="Png"/>), or why it was refused (<see cref="Problem"/>).</summary>
public sealed record PngCheck(byte[]? Png, int Width, int Height, string? Problem)
{
    public static PngCheck Refused(string problem) => new(null, 0, 0, problem);
}

using System.Buffers.Binary;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Skips the padding after a message's literal packet (<see cref="MessagePadding"/>): marker packets (tag 10) and
/// Padding packets (tag 21), of any length encoding, straight from the decrypted segments. Stops at the first
/// other packet, or at the end of the payload (where the MDC has been checked).
/// </summary>
/// <remarks>
/// A 1 GiB file carries up to 32 MiB of 5-octet markers, millions of packets: parsed one by one through
/// BouncyCastle's packet factory they would cost more than the decryption, so runs of the common marker are
/// compared in bulk and everything else is parsed here without allocating.
/// </remarks>
internal static class TrailingPadding
{
    private const string Damaged = "The message is damaged, truncated or was altered; discard any output.";

    public static void Skip(IPayloadReader payload)
    {
        while (true)
        {
            ReadOnlySpan<byte> ready = payload.PeekSpan();
            if (ready.IsEmpty)
            {
                return;
            }

            int run = CommonMarkerRun(ready);
            if (run > 0)
            {
                payload.ReadSpan(run);
                continue;
            }

            int first = ready[0];
            bool marker = first is >= 0xA8 and <= 0xAA or 0xCA;
            if (!marker && first != (0xC0 | 21))
            {
                return;
            }

            payload.ReadSpan(1);
            if ((first & 0x40) == 0)
            {
                SkipBody(payload, ReadBigEndian(payload, 1 << (first & 3)));
                continue;
            }

            bool partial;
            do
            {
                (long length, partial) = ReadNewLength(payload);
                SkipBody(payload, length);
            }
            while (partial);
        }
    }

    /// <summary>How many octets at the start of <paramref name="ready"/> are whole 5-octet markers.</summary>
    private static int CommonMarkerRun(ReadOnlySpan<byte> ready)
    {
        int run = 0;
        byte[] pattern = MessagePadding.MarkerRun;
        while (ready.Length - run >= MessagePadding.ShortMarker.Length)
        {
            int length = Math.Min(ready.Length - run, pattern.Length);
            int common = ready.Slice(run, length).CommonPrefixLength(pattern.AsSpan(0, length));
            run += common - (common % MessagePadding.ShortMarker.Length);
            if (common < length)
            {
                break;
            }
        }

        return run;
    }

    private static (long Length, bool Partial) ReadNewLength(IPayloadReader payload)
    {
        int l1 = NextByte(payload);
        return l1 switch
        {
            < 192 => (l1, false),
            < 224 => (((l1 - 192) << 8) + NextByte(payload) + 192, false),
            255 => (ReadBigEndian(payload, 4), false),
            _ => (1L << (l1 & 0x1F), true),
        };
    }

    private static long ReadBigEndian(IPayloadReader payload, int octets)
    {
        Span<byte> value = stackalloc byte[8];
        value.Clear();
        for (int i = 8 - octets; i < 8; i++)
        {
            value[i] = (byte)NextByte(payload);
        }

        return BinaryPrimitives.ReadInt64BigEndian(value);
    }

    private static void SkipBody(IPayloadReader payload, long length)
    {
        while (length > 0)
        {
            int skipped = payload.ReadSpan((int)Math.Min(length, int.MaxValue)).Length;
            if (skipped == 0)
            {
                throw new CryptoException(CryptoFailure.Tampered, Damaged);
            }

            length -= skipped;
        }
    }

    private static int NextByte(IPayloadReader payload)
    {
        ReadOnlySpan<byte> one = payload.ReadSpan(1);
        return one.IsEmpty ? throw new CryptoException(CryptoFailure.Tampered, Damaged) : one[0];
    }
}

using System.Numerics;
using System.Security.Cryptography;

namespace SecureDrop.Net.Crypto;

/// <summary>How the padding at the end of an encrypted payload is encoded: which packets every reader skips.</summary>
internal enum PaddingEncoding
{
    /// <summary>
    /// Marker packets (tag 10, body "PGP"), 5 octets each, with 6-, 8- and 9-octet forms (longer length fields) to
    /// hit the exact total. For SEIPD v1: the one encoding every stock tool here skips inside the encryption
    /// (RFC 4880 §5.8, "MUST be ignored"); Debian's Sequoia (1.12, sq and sqop) refuses RFC 9580's Padding packet
    /// and any unknown packet, and gpg 2.2 refuses a marker whose body is not exactly "PGP".
    /// </summary>
    Markers,

    /// <summary>One or two RFC 9580 Padding packets (tag 21) of random octets. For SEIPD v2, whose readers all know RFC 9580.</summary>
    PaddingPackets,
}

/// <summary>
/// Pads the inner packets of an encrypted message (what SEIPD encrypts: the literal packet and anything after it)
/// to a length that tells little about the true one: Padmé (Nikitin et al., "Reducing Metadata Leakage from
/// Encrypted Files and Communication with PURBs", PETS 2019), above a floor. An encryptor sends the inner packets
/// through <see cref="Write"/> and calls <see cref="Finish"/> after the last one, before it closes the encrypted
/// packet; the padding goes inside the encryption, so what is stored is the padded length, and only a reader
/// with the key learns the true one.
/// </summary>
/// <remarks>
/// Threat: the stored size of a document names it (a seized server's 3,000,179-byte file is the 3,000,000-byte
/// report the service knows). Padmé rounds a length L up to one with at most S = ⌊log2 ⌊log2 L⌋⌋ + 1 bits after
/// its leading one: O(log log L) bits of L leak (2^S lengths per power of two: 32 between 1 and 2 MiB), at most
/// 1/2^S more octets (6.25 % for lengths from the floor to 64 KiB, 3.1 % to 4 GiB). Everything up to the floor
/// has one length. Whatever surrounds the inner packets (session key packets, the SEIPD framing, the MDC or AEAD tags)
/// depends only on the padded length and the recipients' keys, so the stored size reveals nothing more.
/// <para>
/// At least <see cref="MinimumPadding"/> octets are always added: every total from 8 up can be made of markers
/// (5, 6, 8 and 9 octets), and a message of exactly a Padmé length would otherwise stand out as unpadded.
/// </para>
/// </remarks>
public sealed class MessagePadding
{
    /// <summary>
    /// Every message's inner packets are at least this long (3.5 KiB): a message up to about 3,500 characters has
    /// the same stored size as any other, and to a Curve25519 key the whole file still fits one 4 KiB block, so the
    /// floor costs no disk space there.
    /// </summary>
    public const int Floor = 3584;

    public const int MinimumPadding = 8;

    /// <summary>The 5-octet marker packet, most of every SEIPD v1 padding.</summary>
    internal static ReadOnlySpan<byte> ShortMarker => Marker5;

    // Marker packets: old format with a one-, two- and four-octet length, and new format with a five-octet length.
    private static readonly byte[] Marker5 = [0xA8, 0x03, (byte)'P', (byte)'G', (byte)'P'];
    private static readonly byte[] Marker6 = [0xA9, 0x00, 0x03, (byte)'P', (byte)'G', (byte)'P'];
    private static readonly byte[] Marker8 = [0xAA, 0x00, 0x00, 0x00, 0x03, (byte)'P', (byte)'G', (byte)'P'];
    private static readonly byte[] Marker9 = [0xCA, 0xFF, 0x00, 0x00, 0x00, 0x03, (byte)'P', (byte)'G', (byte)'P'];

    // 64 KiB of 5-octet markers, written as whole runs: a 1 GiB file may need up to 32 MiB of them.
    internal static readonly byte[] MarkerRun = [.. Enumerable.Repeat(Marker5, 64 * 1024 / 5).SelectMany(m => m)];

    private readonly ByteSink _inner;
    private readonly PaddingEncoding _encoding;
    private long _written;

    internal MessagePadding(ByteSink inner, PaddingEncoding encoding)
    {
        _inner = inner;
        _encoding = encoding;
    }

    /// <summary>Inner packet octets written so far.</summary>
    internal long Written => _written;

    /// <summary>
    /// Padmé's length for <paramref name="length"/>: the length with all but its top ⌊log2 E⌋ + 1 bits rounded up,
    /// E = ⌊log2 length⌋ (the paper's Algorithm 1).
    /// </summary>
    public static long Padme(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length < 2)
        {
            return length;
        }

        int e = BitOperations.Log2((ulong)length);
        int s = BitOperations.Log2((uint)e) + 1;
        int lastBits = e - s;
        long mask = (1L << lastBits) - 1;
        return (length + mask) & ~mask;
    }

    /// <summary>The padded length of inner packets of <paramref name="length"/> octets: what a stored message holds.</summary>
    public static long PaddedLength(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return Padme(Math.Max(length + MinimumPadding, Floor));
    }

    /// <summary>Passes inner packet octets on, counting them.</summary>
    internal void Write(ReadOnlySpan<byte> bytes)
    {
        _written += bytes.Length;
        _inner(bytes);
    }

    /// <summary>Appends the padding: afterwards exactly <see cref="PaddedLength"/> of what was written has gone through.</summary>
    internal void Finish()
    {
        long padding = PaddedLength(_written) - _written;
        if (_encoding == PaddingEncoding.Markers)
        {
            WriteMarkers(padding);
        }
        else
        {
            WritePaddingPackets(padding);
        }

        _written += padding;
    }

    private void WriteMarkers(long total)
    {
        // 5a + one of {0, 6, 6+6, 8, 9} makes every total from 8 on (and 5, 6); the minimum keeps us there.
        byte[][] head = (total % 5) switch
        {
            0 => [],
            1 => [Marker6],
            2 => [Marker6, Marker6],
            3 => [Marker8],
            _ => [Marker9],
        };
        foreach (byte[] marker in head)
        {
            _inner(marker);
            total -= marker.Length;
        }

        while (total > 0)
        {
            int take = (int)Math.Min(total, MarkerRun.Length);
            _inner(MarkerRun.AsSpan(0, take));
            total -= take;
        }
    }

    private void WritePaddingPackets(long total)
    {
        // One packet with the shortest length encoding where one fits; the header's own size (2, 3 or 6 octets)
        // leaves a few totals that one packet cannot make (194, 8387-8389): a short packet first fixes those.
        long first = 0;
        while (!PaddingPacketFits(total - first))
        {
            first = first == 0 ? 2 : first + 1;
        }

        if (first > 0)
        {
            WritePaddingPacket(first - 2);
        }

        WritePaddingPacket(total - first - HeaderLength(total - first));
    }

    private static bool PaddingPacketFits(long total) => total - HeaderLength(total) >= 0
        && HeaderLengthOfBody(total - HeaderLength(total)) == HeaderLength(total);

    private static int HeaderLength(long total) => total <= 193 ? 2 : total <= 8386 ? 3 : 6;

    private static int HeaderLengthOfBody(long body) => body < 192 ? 2 : body < 8384 ? 3 : 6;

    private void WritePaddingPacket(long body)
    {
        Span<byte> header = stackalloc byte[6];
        header[0] = 0xC0 | 21;
        int headerLength = 1 + PacketHeader.WriteNewLength(header[1..], checked((int)body));
        _inner(header[..headerLength]);

        // Random octets, as RFC 9580 §5.14 recommends: nothing predictable inside the encryption.
        byte[] chunk = new byte[(int)Math.Min(body, 64 * 1024)];
        while (body > 0)
        {
            int take = (int)Math.Min(body, chunk.Length);
            RandomNumberGenerator.Fill(chunk.AsSpan(0, take));
            _inner(chunk.AsSpan(0, take));
            body -= take;
        }
    }
}

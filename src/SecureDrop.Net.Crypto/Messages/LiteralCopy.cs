using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// The fast path for the common case, a literal packet right at the start of the decrypted payload: parses its
/// header and length headers (definite or partial) here and writes its data to the sink straight from the
/// payload's segments, without BouncyCastle's literal stream and its copy. Anything else (compressed data,
/// signatures first, an old-format packet of indeterminate length) is left to BouncyCastle.
/// </summary>
/// <remarks>
/// Strict: a length header or literal header cut short, or a body that ends before its stated length, is
/// <see cref="CryptoException"/>; the end of the payload is reached (and so the MDC checked) only through
/// <see cref="SeipdReader"/>, which reports it only after the MDC matched.
/// </remarks>
internal sealed class LiteralCopy(IPayloadReader payload)
{
    private const string Damaged = "The message is damaged, truncated or was altered; discard any output.";
    private const int NewFormatLiteral = 0xC0 | 11;
    private const int OldFormatLiteral = 0x80 | (11 << 2);

    // Octets left in the current (partial or last) piece of the literal body, and whether more pieces follow.
    private long _left;
    private bool _partial;

    /// <summary>Whether the payload starts with a literal packet this class reads.</summary>
    public static bool Applies(IPayloadReader payload)
    {
        int tag = payload.PeekReady();
        return tag == NewFormatLiteral || (tag >= OldFormatLiteral && tag < OldFormatLiteral + 3);
    }

    /// <summary>Copies the literal data to <paramref name="write"/> and returns the packet's file name.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public string Copy(Action<ReadOnlySpan<byte>> write)
    {
        int tag = NextPayloadByte();
        if (tag == NewFormatLiteral)
        {
            ReadNewLength(NextPayloadByte());
        }
        else
        {
            int octets = 1 << (tag & 3);
            long length = 0;
            for (int i = 0; i < octets; i++)
            {
                length = (length << 8) | (uint)NextPayloadByte();
            }

            _left = length;
        }

        NextBodyByte(); // format octet: 'b', 't', 'u'...; the data is copied as it is whatever it says
        int nameLength = NextBodyByte();
        Span<byte> name = stackalloc byte[nameLength];
        for (int i = 0; i < nameLength; i++)
        {
            name[i] = (byte)NextBodyByte();
        }

        for (int i = 0; i < 4; i++)
        {
            NextBodyByte(); // modification date: not used
        }

        while (true)
        {
            if (_left == 0)
            {
                if (!_partial)
                {
                    break;
                }

                ReadNewLength(NextPayloadByte());
                continue;
            }

            ReadOnlySpan<byte> data = payload.ReadSpan((int)Math.Min(_left, int.MaxValue));
            if (data.IsEmpty)
            {
                throw new CryptoException(CryptoFailure.Tampered, Damaged);
            }

            _left -= data.Length;
            write(data);
        }

        return Encoding.UTF8.GetString(name);
    }

    private void ReadNewLength(int first)
    {
        if (first < 192)
        {
            _left = first;
            _partial = false;
        }
        else if (first < 224)
        {
            _left = ((first - 192) << 8) + NextPayloadByte() + 192;
            _partial = false;
        }
        else if (first < 255)
        {
            _left = 1L << (first & 0x1F);
            _partial = true;
        }
        else
        {
            Span<byte> four = stackalloc byte[4];
            for (int i = 0; i < 4; i++)
            {
                four[i] = (byte)NextPayloadByte();
            }

            _left = BinaryPrimitives.ReadUInt32BigEndian(four);
            _partial = false;
        }
    }

    private int NextBodyByte()
    {
        while (_left == 0)
        {
            if (!_partial)
            {
                throw new CryptoException(CryptoFailure.Tampered, Damaged);
            }

            ReadNewLength(NextPayloadByte());
        }

        _left--;
        return NextPayloadByte();
    }

    private int NextPayloadByte()
    {
        ReadOnlySpan<byte> one = payload.ReadSpan(1);
        return one.IsEmpty ? throw new CryptoException(CryptoFailure.Tampered, Damaged) : one[0];
    }
}

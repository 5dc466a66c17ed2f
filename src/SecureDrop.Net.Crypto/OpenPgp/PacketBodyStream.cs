using System.Runtime.CompilerServices;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Reads one packet's body, following partial body lengths (RFC 4880 §4.2.2.4) chunk by chunk, so a message of
/// any size streams through a fixed buffer. Reports truncation as <see cref="CryptoException"/>. Does not own
/// the input.
/// </summary>
internal sealed class PacketBodyStream(Stream input, PacketHeader header) : ForwardOnlyReadStream
{
    private long _remaining = header.Length;
    private bool _partial = header.Partial;

    // Hot loop of a 1 GiB message: compile it optimized at once instead of starting in tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        if (_remaining < 0)
        {
            // Old-format indeterminate length: the body is the rest of the input.
            return input.Read(buffer);
        }

        while (_remaining == 0)
        {
            if (!_partial)
            {
                return 0;
            }

            (_remaining, _partial) = PacketHeader.ReadNewLength(input, null);
        }

        int read = input.Read(buffer[..(int)Math.Min(buffer.Length, _remaining)]);
        if (read == 0)
        {
            throw new CryptoException(CryptoFailure.Truncated, "The message is truncated: it ends inside a packet.");
        }

        _remaining -= read;
        return read;
    }

    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 1 ? one[0] : -1;
    }
}

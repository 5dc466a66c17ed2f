using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace SecureDrop.Net.Crypto;

/// <summary>Where a packet writer sends its encoded bytes: the next layer in, or the output stream.</summary>
internal delegate void ByteSink(ReadOnlySpan<byte> bytes);

/// <summary>
/// Writes one new-format packet whose length is not known in advance: full chunks with partial body lengths
/// (RFC 4880 §4.2.2.4: each a power of two, the first at least 512 octets), then a definite length for the rest.
/// The chunk starts at 64 KiB and, once a message proves large, grows to 2^<c>maxChunkBits</c>: a short tip costs
/// little memory, a large file is handed on in pieces big enough to be worth spreading over two cores. Holds at
/// most one chunk; clears every chunk it drops and the last one on <see cref="Finish"/>. A write that fills a
/// chunk mostly by itself goes to the sink as it is, behind what was buffered, instead of being copied first: the
/// sink sees the same bytes, one copy fewer per byte of a large message. While <paramref name="buffers"/> are small
/// (<see cref="MessageBuffers.StartSmall"/>) the chunk is 16 KiB and does not grow until they do.
/// </summary>
internal sealed class PartialBodyWriter(int tag, ByteSink sink, int maxChunkBits = 16, MessageBuffers? buffers = null)
{
    private const int FirstChunkBits = 16;

    private readonly byte[] _header = new byte[6];
    private byte[] _chunk = new byte[1 << FirstBits(buffers)];
    private int _chunkBits = FirstBits(buffers);
    private int _used;
    private bool _started;

    // Hot loop of a 1 GiB message: compile it optimized at once instead of starting in tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Write(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            int room = _chunk.Length - _used;
            if (data.Length > room && room >= _chunk.Length / 2)
            {
                // A whole chunk and more to follow: emit it straight from the caller's data.
                EmitHeader();
                if (_used > 0)
                {
                    sink(_chunk.AsSpan(0, _used));
                }

                sink(data[..room]);
                data = data[room..];
                _used = 0;
                Grow();
                continue;
            }

            int take = Math.Min(data.Length, room);
            data[..take].CopyTo(_chunk.AsSpan(_used));
            _used += take;
            data = data[take..];
            if (_used == _chunk.Length && !data.IsEmpty)
            {
                // Only emit a partial chunk when more follows: the last piece must carry a definite length.
                EmitHeader();
                sink(_chunk);
                _used = 0;
                Grow();
            }
        }
    }

    public void Finish()
    {
        if (_used == _chunk.Length)
        {
            EmitHeader();
            sink(_chunk);
            _used = 0;
            Grow();
        }

        int at = 0;
        if (!_started)
        {
            _header[at++] = (byte)(0xC0 | tag);
        }

        at += PacketHeader.WriteNewLength(_header.AsSpan(at), _used);
        sink(_header.AsSpan(0, at));
        sink(_chunk.AsSpan(0, _used));
        CryptographicOperations.ZeroMemory(_chunk);
        _used = 0;
    }

    private void EmitHeader()
    {
        byte length = (byte)(0xE0 | _chunkBits);
        if (!_started)
        {
            _started = true;
            sink([(byte)(0xC0 | tag), length]);
        }
        else
        {
            sink([length]);
        }
    }

    private static int FirstBits(MessageBuffers? buffers) =>
        MessageBuffers.AreSmall(buffers) ? MessageBuffers.SmallPieceBits : FirstChunkBits;

    private void Grow()
    {
        if (_chunkBits < maxChunkBits && !MessageBuffers.AreSmall(buffers))
        {
            CryptographicOperations.ZeroMemory(_chunk);
            _chunkBits = maxChunkBits;
            _chunk = new byte[1 << _chunkBits];
        }
    }
}

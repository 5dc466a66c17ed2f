using System.Security.Cryptography;

namespace SecureDrop.Net.Crypto;

/// <summary>Where a packet writer sends its encoded bytes: the next layer in, or the output stream.</summary>
internal delegate void ByteSink(ReadOnlyMemory<byte> bytes);

/// <summary>
/// Writes one new-format packet whose length is not known in advance: full 64 KiB chunks with partial body
/// lengths (RFC 4880 §4.2.2.4; 2^16 is a power of two and above the 512-octet minimum for the first chunk), then
/// a definite length for the rest. Holds at most one chunk; clears it on <see cref="Finish"/>.
/// </summary>
internal sealed class PartialBodyWriter(int tag, ByteSink sink)
{
    private const int ChunkBits = 16;
    private const int ChunkSize = 1 << ChunkBits;

    private readonly byte[] _chunk = new byte[ChunkSize];
    private readonly byte[] _header = new byte[6];
    private int _used;
    private bool _started;

    public void Write(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            int take = Math.Min(data.Length, ChunkSize - _used);
            data[..take].CopyTo(_chunk.AsSpan(_used));
            _used += take;
            data = data[take..];
            if (_used == ChunkSize && !data.IsEmpty)
            {
                // Only emit a partial chunk when more follows: the last piece must carry a definite length.
                EmitPartial();
            }
        }
    }

    public void Finish()
    {
        if (_used == ChunkSize)
        {
            EmitPartial();
        }

        int at = 0;
        if (!_started)
        {
            _header[at++] = (byte)(0xC0 | tag);
        }

        at += PacketHeader.WriteNewLength(_header.AsSpan(at), _used);
        sink(_header.AsMemory(0, at));
        sink(_chunk.AsMemory(0, _used));
        CryptographicOperations.ZeroMemory(_chunk);
        _used = 0;
    }

    private void EmitPartial()
    {
        if (!_started)
        {
            _started = true;
            sink(new byte[] { (byte)(0xC0 | tag), 0xE0 | ChunkBits });
        }
        else
        {
            sink(new byte[] { 0xE0 | ChunkBits });
        }

        sink(_chunk);
        _used = 0;
    }
}

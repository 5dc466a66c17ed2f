using System.Security.Cryptography;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Writes a SEIPD v2 packet (RFC 9580 §5.13.2): version 2, AES-256, OCB, 256 KiB chunks, a random 32-octet salt,
/// then each chunk's ciphertext and tag, then the final tag over the total length. The inner packets are written to
/// it as plaintext, in pieces of any size.
/// </summary>
/// <remarks>
/// Why our own: BouncyCastle 2.7.0 has no SEIPD v2. Chunks are independent, so once a message outgrows one
/// segment (eight chunks, 2 MiB) and there is a second core, segments are encrypted by worker threads in parallel
/// while the caller fills the next and writes finished ones out in order; at most <see cref="InFlight"/> segments
/// circulate, so memory stays flat (~10 MiB) whatever the size. A short tip is encrypted inline in a buffer that
/// grows only as far as the tip. 256 KiB chunks are OpenPGP.js's default and what every reader handles; the chunk
/// size caps what a reader must hold before it may release plaintext. While the message's <see cref="MessageBuffers"/>
/// are small, each chunk is encrypted inline as soon as it is full and no thread starts: one chunk is held at most.
/// </remarks>
internal sealed class SeipdV2Writer : IPayloadWriter
{
    public const int ChunkSizeOctet = 12;
    private const int ChunksPerSegment = 8;
    private const int InFlight = 4;
    private const int FirstCapacity = 16 * 1024;

    private readonly SeipdV2Parameters _parameters;
    private readonly PartialBodyWriter _body;
    private readonly int _unit;
    private readonly int _segmentCapacity;
    private readonly AeadCipher _inline;
    private readonly Queue<AeadSegment> _inFlight = new();
    private readonly Stack<AeadSegment> _free = new();
    private readonly List<AeadSegment> _segments = [];
    private readonly MessageBuffers? _buffers;
    private AeadSegment _current;
    private ChunkWorkers? _workers;
    private long _nextChunk;
    private long _total;

    public SeipdV2Writer(SessionKey session, ByteSink output, MessageBuffers? buffers = null)
    {
        _buffers = buffers;
        byte[] salt = RandomNumberGenerator.GetBytes(SeipdV2Parameters.SaltSize);
        _parameters = new SeipdV2Parameters(SymmetricAlgorithms.Aes256, SymmetricAlgorithms.Ocb, ChunkSizeOctet, salt, session.Key);
        _unit = _parameters.ChunkSize + AeadCipher.TagSize;
        _segmentCapacity = _unit * ChunksPerSegment;
        _inline = _parameters.NewCipher();
        _body = new PartialBodyWriter(18, output, 20, buffers);
        _body.Write([2, (byte)_parameters.Cipher, (byte)_parameters.Aead, (byte)_parameters.ChunkSizeOctet, .. salt]);
        _current = new AeadSegment(FirstCapacity);
        _segments.Add(_current);
    }

    /// <summary>Encrypts inner packet octets into the packet.</summary>
    public void Write(ReadOnlySpan<byte> plaintext)
    {
        while (!plaintext.IsEmpty)
        {
            // Plaintext goes where its chunk's ciphertext will be; each chunk leaves room for its tag behind it.
            int inChunk = _current.Length % _unit;
            int room = _parameters.ChunkSize - inChunk;
            if (room == 0)
            {
                _current.Length += AeadCipher.TagSize;
                if (_current.Length == _segmentCapacity)
                {
                    Submit();
                }
                else if (MessageBuffers.AreSmall(_buffers))
                {
                    WriteInline();
                }

                continue;
            }

            int take = Math.Min(room, plaintext.Length);
            EnsureCapacity(_current.Length + take + AeadCipher.TagSize);
            plaintext[..take].CopyTo(_current.Buffer.AsSpan(_current.Length));
            _current.Length += take;
            _total += take;
            plaintext = plaintext[take..];
        }
    }

    /// <summary>Encrypts the last chunk, writes everything out in order, then the final tag, and ends the packet.</summary>
    public void Finish()
    {
        int inChunk = _current.Length % _unit;
        if (inChunk > 0)
        {
            // The last chunk may be short; its tag follows it directly.
            _current.Length += AeadCipher.TagSize;
        }

        _current.FirstChunk = _nextChunk;
        _nextChunk += (_current.Length + _unit - 1) / _unit;
        if (_current.Length > 0)
        {
            Encrypt(_inline, _current);
        }

        while (_inFlight.TryDequeue(out AeadSegment? done))
        {
            ChunkWorkers.WaitFor(done);
            WriteOut(done);
        }

        WriteOut(_current);
        Span<byte> nonce = stackalloc byte[_parameters.NonceSize];
        _parameters.Nonce(_nextChunk, nonce);
        Span<byte> finalTag = stackalloc byte[AeadCipher.TagSize];
        _inline.Encrypt(nonce, [], [], finalTag, _parameters.FinalAssociatedData(_total));
        _body.Write(finalTag);
        _body.Finish();
    }

    public void Dispose()
    {
        _workers?.Dispose();
        _inline.Dispose();
        _parameters.Dispose();
        foreach (AeadSegment segment in _segments)
        {
            CryptographicOperations.ZeroMemory(segment.Buffer);
        }
    }

    /// <summary>Encrypts every chunk of <paramref name="segment"/> in place, its tag behind each.</summary>
    private void Encrypt(AeadCipher cipher, AeadSegment segment)
    {
        Span<byte> nonce = stackalloc byte[_parameters.NonceSize];
        for (int at = 0, chunk = 0; at < segment.Length; at += _unit, chunk++)
        {
            int length = Math.Min(_unit, segment.Length - at) - AeadCipher.TagSize;
            Span<byte> data = segment.Buffer.AsSpan(at, length);
            _parameters.Nonce(segment.FirstChunk + chunk, nonce);
            cipher.Encrypt(nonce, data, data, segment.Buffer.AsSpan(at + length, AeadCipher.TagSize), _parameters.Header);
        }
    }

    /// <summary>
    /// Hands a full segment on: inline while the message is small or there is one core, to the workers once it has
    /// filled a segment; writes out whatever is finished, waiting only when all segments are in flight.
    /// </summary>
    private void Submit()
    {
        AeadSegment full = _current;
        full.FirstChunk = _nextChunk;
        _nextChunk += ChunksPerSegment;
        if (_workers is null && Environment.ProcessorCount > 1)
        {
            _workers = new ChunkWorkers(Math.Min(Environment.ProcessorCount, 4), _parameters, Encrypt);
        }

        if (_workers is null)
        {
            Encrypt(_inline, full);
            WriteOut(full);
            _current = full;
            return;
        }

        full.Done = false;
        _workers.Post(full);
        _inFlight.Enqueue(full);
        while (_inFlight.Count >= InFlight || (_inFlight.TryPeek(out AeadSegment? oldest) && oldest.Done))
        {
            AeadSegment done = _inFlight.Dequeue();
            ChunkWorkers.WaitFor(done);
            WriteOut(done);
            _free.Push(done);
        }

        _current = _free.TryPop(out AeadSegment? free) ? free : NewSegment();
    }

    /// <summary>Encrypts the full chunks of the current segment here and writes them out (small buffers).</summary>
    private void WriteInline()
    {
        _current.FirstChunk = _nextChunk;
        _nextChunk += _current.Length / _unit;
        Encrypt(_inline, _current);
        WriteOut(_current);
    }

    private void WriteOut(AeadSegment segment)
    {
        _body.Write(segment.Buffer.AsSpan(0, segment.Length));
        segment.Reset();
    }

    private AeadSegment NewSegment()
    {
        var segment = new AeadSegment(_segmentCapacity);
        _segments.Add(segment);
        return segment;
    }

    /// <summary>Grows the first segment by doubling, clearing the old buffer: a short tip never costs a full segment.</summary>
    private void EnsureCapacity(int needed)
    {
        if (needed <= _current.Buffer.Length)
        {
            return;
        }

        var grown = new AeadSegment(Math.Min(_segmentCapacity, Math.Max(needed, _current.Buffer.Length * 2)));
        _current.Buffer.AsSpan(0, _current.Length).CopyTo(grown.Buffer);
        grown.Length = _current.Length;
        CryptographicOperations.ZeroMemory(_current.Buffer);
        _segments.Remove(_current);
        _segments.Add(grown);
        _current = grown;
    }
}

/// <summary>The encrypted payload packet a message's inner packets are written into: SEIPD v1 or v2.</summary>
internal interface IPayloadWriter : IDisposable
{
    /// <summary>Encrypts inner packet octets (plaintext) into the packet.</summary>
    void Write(ReadOnlySpan<byte> plaintext);

    /// <summary>Ends the packet: the MDC (v1) or the last chunk and the final tag (v2).</summary>
    void Finish();
}

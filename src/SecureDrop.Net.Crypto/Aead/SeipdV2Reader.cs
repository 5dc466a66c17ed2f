using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// The decrypted inner packets of an integrity-protected payload, handed out only once authenticated: SEIPD v1
/// (<see cref="SeipdReader"/>, MDC) or v2 (<see cref="SeipdV2Reader"/>, AEAD). The end is reported only after the
/// whole payload verified.
/// </summary>
internal interface IPayloadReader
{
    int Read(Span<byte> buffer);

    /// <summary>Up to <paramref name="max"/> plaintext octets without a copy, valid until the next read; empty only at the verified end.</summary>
    ReadOnlySpan<byte> ReadSpan(int max);

    /// <summary>The next plaintext octet if already decrypted, without consuming it; -1 otherwise.</summary>
    int PeekReady();

    /// <summary>
    /// The plaintext octets ready now (moving on to the next chunk or segment when the current one is used up),
    /// without consuming them: valid until the next read. Empty only at the verified end.
    /// </summary>
    ReadOnlySpan<byte> PeekSpan();

    /// <summary>Reads and discards what is left, then checks the integrity of the whole payload.</summary>
    void ReadToEndAndVerify();
}

/// <summary>
/// Decrypts a SEIPD v2 body (RFC 9580 §5.13.2) after its 36 parameter octets: each chunk and its tag, then the
/// final tag over the chunk count and total length. A chunk's plaintext is handed out only after its tag matched,
/// and the end only after the final tag matched, so truncation at a chunk boundary and reordering both fail.
/// </summary>
/// <remarks>
/// The body is read in segments of whole chunks plus the 16 octets held back (the final tag, until more follows).
/// A short message is decrypted on the caller's thread; once a message fills a segment (and there is a second
/// core), worker threads decrypt the next segments in parallel while the caller hands out the current one, at most
/// <see cref="Depth"/> segments ahead, so memory stays flat whatever the size.
/// </remarks>
internal sealed class SeipdV2Reader : ForwardOnlyReadStream, IPayloadReader
{
    private const int Depth = 4;
    private const int TargetSegment = 2 * 1024 * 1024;

    private readonly Stream _body;
    private readonly SeipdV2Parameters _parameters;
    private readonly AeadCipher _inline;
    private readonly int _unit;
    private readonly int _segmentData;
    private readonly byte[] _carry = new byte[AeadCipher.TagSize];
    private readonly Queue<AeadSegment> _pending = new();
    private readonly Stack<AeadSegment> _free = new();
    private readonly List<AeadSegment> _segments = [];
    private AeadSegment _current;
    private readonly ChunkWorkers? _workers;
    private bool _bodyEnded;
    private long _nextChunk;
    private long _total;
    private int _at;
    private bool _verified;

    /// <param name="body">The packet body after the version, cipher, AEAD, chunk size and salt octets.</param>
    /// <param name="parameters">Keyed with the session key; owned by the reader from here on.</param>
    /// <param name="smallFirst">A first read sized for a small message (a text, a reply) instead of a whole segment.</param>
    public SeipdV2Reader(Stream body, SeipdV2Parameters parameters, bool smallFirst = false)
    {
        _body = body;
        _parameters = parameters;
        _unit = parameters.ChunkSize + AeadCipher.TagSize;
        _segmentData = Math.Max(1, TargetSegment / _unit) * _unit;
        _inline = parameters.NewCipher();
        try
        {
            if (ReadFully(_carry) < _carry.Length)
            {
                throw Truncated();
            }

            _current = NewSegment(smallFirst ? Math.Min(_segmentData, _unit) : _segmentData);
            Fill(_current);
            Decrypt(_inline, _current);
            if (!_bodyEnded && _current.Length == _segmentData && Environment.ProcessorCount > 1)
            {
                _workers = new ChunkWorkers(Math.Min(Environment.ProcessorCount, 4), parameters, Decrypt);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    // Hot loop of a 1 GiB message: compile it optimized at once instead of starting in tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override int Read(Span<byte> buffer)
    {
        ReadOnlySpan<byte> span = ReadSpan(buffer.Length);
        span.CopyTo(buffer);
        return span.Length;
    }

    public ReadOnlySpan<byte> ReadSpan(int max)
    {
        if (max <= 0 || _verified)
        {
            return [];
        }

        while (true)
        {
            if (_at < _current.Length)
            {
                int inUnit = _at % _unit;
                int unitEnd = Math.Min(_at - inUnit + _unit, _current.Length) - AeadCipher.TagSize;
                if (_at < unitEnd)
                {
                    int count = Math.Min(max, unitEnd - _at);
                    var span = new ReadOnlySpan<byte>(_current.Buffer, _at, count);
                    _at += count;
                    return span;
                }

                _at = unitEnd + AeadCipher.TagSize;
                continue;
            }

            if (!Advance())
            {
                VerifyFinal();
                return [];
            }
        }
    }

    public ReadOnlySpan<byte> PeekSpan()
    {
        if (_verified)
        {
            return [];
        }

        while (true)
        {
            if (_at < _current.Length)
            {
                int inUnit = _at % _unit;
                int unitEnd = Math.Min(_at - inUnit + _unit, _current.Length) - AeadCipher.TagSize;
                if (_at < unitEnd)
                {
                    return new ReadOnlySpan<byte>(_current.Buffer, _at, unitEnd - _at);
                }

                _at = unitEnd + AeadCipher.TagSize;
                continue;
            }

            if (!Advance())
            {
                VerifyFinal();
                return [];
            }
        }
    }

    public int PeekReady()
    {
        int inUnit = _at % _unit;
        int unitEnd = Math.Min(_at - inUnit + _unit, _current.Length) - AeadCipher.TagSize;
        return _at < unitEnd ? _current.Buffer[_at] : -1;
    }

    public override int ReadByte()
    {
        ReadOnlySpan<byte> one = ReadSpan(1);
        return one.IsEmpty ? -1 : one[0];
    }

    public void ReadToEndAndVerify()
    {
        while (!ReadSpan(int.MaxValue).IsEmpty)
        {
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _workers?.Dispose();
            _inline?.Dispose();
            _parameters.Dispose();
            foreach (AeadSegment segment in _segments)
            {
                CryptographicOperations.ZeroMemory(segment.Buffer);
            }

            CryptographicOperations.ZeroMemory(_carry);
        }

        base.Dispose(disposing);
    }

    private static CryptoException Truncated() => new(CryptoFailure.Truncated, "The message is truncated: its encrypted data is too short.");

    /// <summary>Moves to the next decrypted segment; false when the body has no more chunks.</summary>
    private bool Advance()
    {
        if (_workers is null)
        {
            if (_bodyEnded)
            {
                return false;
            }

            if (_current.Buffer.Length < _segmentData + AeadCipher.TagSize)
            {
                // The first read was sized for a small message and it is not one: full segments from now on.
                _current = NewSegment(_segmentData);
            }

            Fill(_current);
            Decrypt(_inline, _current);
            _at = 0;
            return _current.Length > 0;
        }

        _free.Push(_current);
        while (_pending.Count < Depth && !_bodyEnded)
        {
            AeadSegment next = _free.TryPop(out AeadSegment? reused) && reused.Buffer.Length == _segmentData + AeadCipher.TagSize ? reused : NewSegment(_segmentData);
            Fill(next);
            if (next.Length == 0)
            {
                _free.Push(next);
                break;
            }

            _workers.Post(next);
            _pending.Enqueue(next);
        }

        if (!_pending.TryDequeue(out AeadSegment? ready))
        {
            return false;
        }

        ChunkWorkers.WaitFor(ready);
        _current = ready;
        _at = 0;
        return true;
    }

    /// <summary>
    /// Reads up to one segment of chunks behind the 16 octets held back, then holds back the last 16 read: they are
    /// the final tag if nothing follows. Counts the segment's chunks and plaintext.
    /// </summary>
    private void Fill(AeadSegment segment)
    {
        segment.Reset();
        _carry.CopyTo(segment.Buffer, 0);
        int capacity = segment.Buffer.Length;
        int read = ReadFully(segment.Buffer.AsSpan(AeadCipher.TagSize, capacity - AeadCipher.TagSize));
        int total = AeadCipher.TagSize + read;
        if (total < capacity)
        {
            _bodyEnded = true;
        }

        int data = total - AeadCipher.TagSize;
        segment.Buffer.AsSpan(data, AeadCipher.TagSize).CopyTo(_carry);
        int last = data % _unit;
        if (last is > 0 and <= AeadCipher.TagSize)
        {
            // A chunk must hold at least one octet and its tag: anything shorter is a cut-off message.
            throw Truncated();
        }

        int chunks = (data + _unit - 1) / _unit;
        segment.Length = data;
        segment.FirstChunk = _nextChunk;
        _nextChunk += chunks;
        _total += data - ((long)chunks * AeadCipher.TagSize);
    }

    private void Decrypt(AeadCipher cipher, AeadSegment segment)
    {
        Span<byte> nonce = stackalloc byte[_parameters.NonceSize];
        for (int at = 0, chunk = 0; at < segment.Length; at += _unit, chunk++)
        {
            int length = Math.Min(_unit, segment.Length - at) - AeadCipher.TagSize;
            Span<byte> data = segment.Buffer.AsSpan(at, length);
            _parameters.Nonce(segment.FirstChunk + chunk, nonce);
            if (!cipher.Decrypt(nonce, data, segment.Buffer.AsSpan(at + length, AeadCipher.TagSize), data, _parameters.Header))
            {
                throw new CryptoException(CryptoFailure.Tampered, "The message failed its integrity check (AEAD): it was altered or damaged; discard any output.");
            }
        }
    }

    private void VerifyFinal()
    {
        Span<byte> nonce = stackalloc byte[_parameters.NonceSize];
        _parameters.Nonce(_nextChunk, nonce);
        if (!_inline.Decrypt(nonce, [], _carry, [], _parameters.FinalAssociatedData(_total)))
        {
            throw new CryptoException(CryptoFailure.Tampered, "The message failed its final integrity check (AEAD): it was truncated, altered or damaged; discard any output.");
        }

        _verified = true;
    }

    private int ReadFully(Span<byte> buffer)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = _body.Read(buffer[read..]);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return read;
    }

    private AeadSegment NewSegment(int data)
    {
        var segment = new AeadSegment(data + AeadCipher.TagSize);
        _segments.Add(segment);
        return segment;
    }
}

using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Decrypts a SEIPD v1 body (after its version octet) and yields the inner packets. The last 22 plaintext octets
/// (the MDC packet) are always held back, and the end of the stream is reported only after the MDC matched: a
/// reader that sees the end has seen verified data. A mismatch throws <see cref="CryptoException"/>.
/// </summary>
/// <remarks>
/// The prefix's "quick check" octets are deliberately not checked: answering differently for them is the
/// Mister–Zuccherato oracle; only the MDC decides. Why not BouncyCastle: see <see cref="SeipdWriter"/>.
/// <para>
/// Plaintext is decrypted into segments of 1 MiB; each starts with the 22 octets held back from the one before,
/// and only the rest of it is hashed and read. A short message is read, decrypted and hashed on the caller's
/// thread. Once a message fills its first segment (and there is a second core), it runs as a pipeline of three
/// threads: one reads the ciphertext and decrypts it (CFB decryption needs no chain, see
/// <see cref="AesNiCfb.Decrypt"/>), one computes the SHA-1 (the costliest pass, so it has a thread to itself), and the
/// caller's thread parses the inner packets and writes the plaintext to the sink (straight from the segments, see
/// <see cref="ReadSpan"/>). Eight segments circulate, so
/// memory stays flat (~9 MiB) whatever the size. Bytes are handed out only after they are hashed, and the end is
/// reported only after the MDC matched.
/// </para>
/// </remarks>
internal sealed class SeipdReader : ForwardOnlyReadStream, IPayloadReader
{
    private const int MdcLength = 22;
    internal const int ChunkSize = 1024 * 1024;

    // Segments circulating through the pipeline (8 MiB). Measured on 1 GiB with two free cores
    // (benchmarks/RESULTS.md): 8 of 1 MiB beat 4 of 1 MiB and 4 or 16 of 256 KiB; every hand-over may wake a thread.
    private const int PipelineSegments = 8;

    private readonly Stream _body;
    private readonly CfbCipher _cipher;
    private readonly int _chunkSize;
    private readonly IncrementalHash _sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
    // Owned by whoever decrypts. The ciphertext block before each chunk stays in front of it (the zero IV at
    // first), see DecryptAfterPrevious; the last 22 plaintext octets so far, which the next segment starts with.
    private readonly byte[] _encrypted;
    private readonly byte[] _carry = new byte[MdcLength];
    private readonly List<Segment> _segments = [];
    private readonly int _prefix;
    private Segment _current;
    private Segment? _spare;
    private bool _decryptedAny;
    private int _start;
    private bool _verified;
    private SegmentChannel? _free;
    private SegmentChannel? _toHash;
    private SegmentChannel? _toRead;
    private Thread? _decryptor;
    private Thread? _hasher;

    /// <param name="body">The SEIPD packet's body.</param>
    /// <param name="cipher">The cipher keyed with the session key.</param>
    /// <param name="chunkSize">
    /// Octets decrypted at a time, a whole number of blocks: a small message needs a small chunk, and a pipeline
    /// starts only when a message fills its first chunk.
    /// </param>
    public SeipdReader(Stream body, CfbCipher cipher, int chunkSize = ChunkSize)
    {
        _body = body;
        _cipher = cipher;
        _chunkSize = chunkSize;
        _encrypted = new byte[chunkSize + cipher.BlockSize];
        _prefix = cipher.BlockSize + 2;
        _current = NewSegment();
        try
        {
            if (!Decrypt(_current))
            {
                throw Truncated();
            }

            Hash(_current);
            if (_current.Length == _chunkSize && Environment.ProcessorCount > 1)
            {
                StartPipeline();
            }
        }
        catch
        {
            // The caller never gets the instance to dispose: release the key schedule and buffers here.
            Dispose();
            throw;
        }

        _start = _prefix;
    }

    // Hot loop of a 1 GiB message: compile it optimized at once instead of starting in tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty || _verified)
        {
            return 0;
        }

        while (_current.Length - MdcLength == _start)
        {
            if (!Advance())
            {
                Verify();
                return 0;
            }
        }

        int count = Math.Min(buffer.Length, _current.Length - MdcLength - _start);
        _current.Buffer.AsSpan(_start, count).CopyTo(buffer);
        _start += count;
        return count;
    }

    /// <summary>
    /// As <see cref="Read(Span{byte})"/> without the copy: up to <paramref name="max"/> plaintext octets of the
    /// current segment, valid until the next read. Empty only at the end, after the MDC matched.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ReadOnlySpan<byte> ReadSpan(int max)
    {
        if (max <= 0 || _verified)
        {
            return [];
        }

        while (_current.Length - MdcLength == _start)
        {
            if (!Advance())
            {
                Verify();
                return [];
            }
        }

        int count = Math.Min(max, _current.Length - MdcLength - _start);
        var span = new ReadOnlySpan<byte>(_current.Buffer, _start, count);
        _start += count;
        return span;
    }

    /// <summary>The next plaintext octet if the current segment holds it, without consuming it; -1 otherwise.</summary>
    public int PeekReady() => _current.Length - MdcLength > _start ? _current.Buffer[_start] : -1;

    /// <summary>
    /// The plaintext octets ready in the current segment, moving on to the next segment when it is used up, without
    /// consuming them (<see cref="ReadSpan"/> does): valid until the next read. Empty only at the end, after the MDC
    /// matched.
    /// </summary>
    public ReadOnlySpan<byte> PeekSpan()
    {
        if (_verified)
        {
            return [];
        }

        while (_current.Length - MdcLength == _start)
        {
            if (!Advance())
            {
                Verify();
                return [];
            }
        }

        return new ReadOnlySpan<byte>(_current.Buffer, _start, _current.Length - MdcLength - _start);
    }

    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 1 ? one[0] : -1;
    }

    /// <summary>Reads and discards whatever the inner parser left, then checks the MDC.</summary>
    public void ReadToEndAndVerify()
    {
        Span<byte> scratch = stackalloc byte[512];
        while (Read(scratch) > 0)
        {
        }

        CryptographicOperations.ZeroMemory(scratch);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // Stop the pipeline (a reader that gave up early, a failure) before clearing what its threads use.
            _free?.Abandon();
            _toHash?.Abandon();
            _toRead?.Abandon();
            _decryptor?.Join();
            _hasher?.Join();
            _sha1.Dispose();
            _cipher.Dispose();
            foreach (Segment segment in _segments)
            {
                CryptographicOperations.ZeroMemory(segment.Buffer);
            }

            CryptographicOperations.ZeroMemory(_carry);
        }

        base.Dispose(disposing);
    }

    private static CryptoException Truncated() => new(CryptoFailure.Truncated, "The message is truncated: its encrypted data is too short.");

    private void StartPipeline()
    {
        _free = new SegmentChannel();
        _toHash = new SegmentChannel();
        _toRead = new SegmentChannel();
        for (int i = 1; i < PipelineSegments; i++)
        {
            _free.Add(NewSegment());
        }

        _decryptor = StageThread.Start("SEIPD decrypt", DecryptAll, _toHash);
        _hasher = StageThread.Start("SEIPD MDC", HashAll, _toRead);
    }

    private void DecryptAll()
    {
        while (_free!.TryTake(out Segment segment) && Decrypt(segment))
        {
            _toHash!.Add(segment);
        }
    }

    private void HashAll()
    {
        while (_toHash!.TryTake(out Segment segment))
        {
            Hash(segment);
            _toRead!.Add(segment);
        }
    }

    /// <summary>
    /// Moves the reader to the next segment, decrypted and hashed: from the pipeline, or made here. False at the
    /// end of the body. Called only when nothing but the held-back octets is left unread.
    /// </summary>
    private bool Advance()
    {
        Segment next;
        if (_toRead is null)
        {
            next = _spare ??= NewSegment();
            if (!Decrypt(next))
            {
                return false;
            }

            Hash(next);
            _spare = _current;
        }
        else
        {
            // The pipeline may reuse the segment as soon as it is handed back: nothing reads it any more.
            _free!.Add(_current);
            if (!_toRead.TryTake(out next))
            {
                return false;
            }
        }

        _current = next;
        _start = 0;
        return true;
    }

    /// <summary>
    /// Reads the next chunk of ciphertext and decrypts it into <paramref name="segment"/> behind the 22 octets held
    /// back so far; keeps this segment's last 22 octets back in turn. False at the end of the body.
    /// </summary>
    // Hot loop of a 1 GiB message: compile it optimized at once instead of starting in tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Decrypt(Segment segment)
    {
        // Fill whole blocks: the cipher accepts a short block only as the very last piece.
        int read = 0;
        int block = _cipher.BlockSize;
        while (read < _chunkSize)
        {
            int n = _body.Read(_encrypted, block + read, _chunkSize - read);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        if (read == 0)
        {
            return false;
        }

        int carried = 0;
        if (_decryptedAny)
        {
            _carry.CopyTo(segment.Buffer, 0);
            carried = MdcLength;
        }
        else if (read < _prefix + MdcLength)
        {
            throw Truncated();
        }

        _cipher.DecryptAfterPrevious(_encrypted.AsSpan(0, block + read), segment.Buffer.AsSpan(carried, read));
        Buffer.BlockCopy(_encrypted, read, _encrypted, 0, block);
        segment.Length = carried + read;
        Buffer.BlockCopy(segment.Buffer, segment.Length - MdcLength, _carry, 0, MdcLength);
        _decryptedAny = true;
        return true;
    }

    // Everything but the octets held back, which the next segment (or the MDC check) covers.
    private void Hash(Segment segment) => _sha1.AppendData(segment.Buffer, 0, segment.Length - MdcLength);

    private Segment NewSegment()
    {
        var segment = new Segment(MdcLength + _chunkSize);
        _segments.Add(segment);
        return segment;
    }

    /// <summary>
    /// Checks the MDC packet, the 22 octets held back at the end: its two header octets are hashed too. Every
    /// segment before it has been hashed: inline, or by the hashing thread before it passed the segment on.
    /// </summary>
    private void Verify()
    {
        const string Failed = "The message failed its integrity check (MDC): it was altered or damaged; discard any output.";
        if (_carry[0] != 0xD3 || _carry[1] != 0x14)
        {
            throw new CryptoException(CryptoFailure.Tampered, Failed);
        }

        Span<byte> expected = stackalloc byte[20];
        _sha1.AppendData(_carry, 0, 2);
        _sha1.GetHashAndReset(expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, _carry.AsSpan(2)))
        {
            throw new CryptoException(CryptoFailure.Tampered, Failed);
        }

        _verified = true;
    }
}

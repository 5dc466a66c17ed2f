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
/// Plaintext is decrypted into segments of 256 KiB; each starts with the 22 octets held back from the one before.
/// Once a message outgrows its first segment, SHA-1 runs on a <see cref="BackgroundStage"/> thread over each
/// segment the reader has moved past, while this thread decrypts (CFB decryption needs no chain: one ECB pass
/// computes a whole segment's keystream) and the consumer writes the plaintext out. Bytes are handed out before
/// they are hashed, which changes nothing: the end is reported only after every byte was hashed and the MDC
/// matched.
/// </para>
/// </remarks>
internal sealed class SeipdReader : ForwardOnlyReadStream
{
    private const int MdcLength = 22;
    private const int ChunkSize = 256 * 1024;

    // Segments in flight at most: bounds memory whatever the message size.
    private const int MaxSegments = 4;

    private readonly Stream _body;
    private readonly CfbCipher _cipher;
    private readonly int _chunkSize;
    private readonly IncrementalHash _sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
    // The ciphertext block before each chunk stays in front of it (the zero IV at first), see DecryptAfterPrevious.
    private readonly byte[] _encrypted;
    private readonly List<Segment> _segments = [];
    private readonly Stack<Segment> _free = new();
    private Segment? _current;
    private BackgroundStage? _hasher;
    private int _start;
    private bool _verified;

    /// <param name="body">The SEIPD packet's body.</param>
    /// <param name="cipher">The cipher keyed with the session key.</param>
    /// <param name="chunkSize">Octets decrypted at a time, a whole number of blocks; a small message needs a small chunk.</param>
    public SeipdReader(Stream body, CfbCipher cipher, int chunkSize = ChunkSize)
    {
        _body = body;
        _cipher = cipher;
        _chunkSize = chunkSize;
        _encrypted = new byte[chunkSize + cipher.BlockSize];
        int prefix = cipher.BlockSize + 2;
        try
        {
            Fill();
            if (_current is null || _current.Length < prefix + MdcLength)
            {
                throw new CryptoException("The message is truncated: its encrypted data is too short.");
            }
        }
        catch
        {
            // The caller never gets the instance to dispose: release the key schedule and buffers here.
            Dispose();
            throw;
        }

        _start = prefix;
    }

    // Hot loop of a 1 GiB message: compile it optimized at once instead of starting in tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty || _verified)
        {
            return 0;
        }

        while (_current!.Length - _start <= MdcLength)
        {
            if (!Fill())
            {
                Verify();
                return 0;
            }
        }

        int count = Math.Min(buffer.Length, _current.Length - _start - MdcLength);
        _current.Buffer.AsSpan(_start, count).CopyTo(buffer);
        _start += count;
        return count;
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
            _hasher?.Dispose();
            _sha1.Dispose();
            _cipher.Dispose();
            foreach (Segment segment in _segments)
            {
                CryptographicOperations.ZeroMemory(segment.Buffer);
            }
        }

        base.Dispose(disposing);
    }

    /// <summary>
    /// Decrypts the next chunk into a new segment behind the 22 octets held back, and sends the segment it
    /// replaces to be hashed. False at the end of the body. Called only when nothing but the held-back octets is
    /// left unread.
    /// </summary>
    // Hot loop of a 1 GiB message: compile it optimized at once instead of starting in tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Fill()
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

        Segment previous = _current ?? NextSegment();
        Segment next = _current is null ? previous : NextSegment();
        int carried = 0;
        if (_current is not null)
        {
            carried = _current.Length - _start;
            previous.Buffer.AsSpan(_start, carried).CopyTo(next.Buffer);
            previous.Length = _start;
        }

        _cipher.DecryptAfterPrevious(_encrypted.AsSpan(0, block + read), next.Buffer.AsSpan(carried, read));
        Buffer.BlockCopy(_encrypted, read, _encrypted, 0, block);
        next.Length = carried + read;
        _current = next;
        _start = 0;
        if (!ReferenceEquals(previous, next))
        {
            Hash(previous);
        }

        return true;
    }

    /// <summary>
    /// Hashes a segment the reader has moved past: on the background stage once a message has outgrown its first
    /// segment and there is a second core, inline otherwise (a short message starts no thread).
    /// </summary>
    private void Hash(Segment segment)
    {
        if (_hasher is null && Environment.ProcessorCount > 1)
        {
            _hasher = new BackgroundStage(s => _sha1.AppendData(s.Buffer, 0, s.Length), "SEIPD MDC");
        }

        if (_hasher is null)
        {
            _sha1.AppendData(segment.Buffer, 0, segment.Length);
            _free.Push(segment);
        }
        else
        {
            _hasher.Submit(segment);
        }
    }

    private Segment NextSegment()
    {
        if (_free.TryPop(out Segment? free))
        {
            return free;
        }

        if (_hasher is null || _segments.Count < MaxSegments)
        {
            var segment = new Segment(MdcLength + _chunkSize);
            _segments.Add(segment);
            return segment;
        }

        return _hasher.TakeCompleted();
    }

    private void Verify()
    {
        const string Failed = "The message failed its integrity check (MDC): it was altered or damaged; discard any output.";
        while (_hasher is { InFlight: > 0 })
        {
            _hasher.TakeCompleted();
        }

        Segment last = _current!;
        ReadOnlySpan<byte> mdc = last.Buffer.AsSpan(_start, last.Length - _start);
        if (mdc.Length != MdcLength || mdc[0] != 0xD3 || mdc[1] != 0x14)
        {
            throw new CryptoException(Failed);
        }

        Span<byte> expected = stackalloc byte[20];
        _sha1.AppendData(last.Buffer, 0, _start + 2);
        _sha1.GetHashAndReset(expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, mdc[2..]))
        {
            throw new CryptoException(Failed);
        }

        _verified = true;
    }
}

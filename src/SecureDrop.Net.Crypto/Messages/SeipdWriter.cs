using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Writes a SEIPD v1 packet (RFC 4880 §5.13): version 1, then under CFB with a zero IV a random block-size prefix
/// with its last two octets repeated, the inner packets, and the MDC packet (0xD3 0x14, then SHA-1 of everything
/// before it including those two octets, §5.14).
/// </summary>
/// <remarks>
/// BouncyCastle's generator does the same with managed SHA-1 (~200 MiB/s) and block-at-a-time CFB; here SHA-1 is
/// <see cref="IncrementalHash"/> and AES runs on AES-NI (<see cref="AesNiCfb"/>), several times faster on a 1 GiB
/// upload. The bytes are identical in form, which the interoperability tests with gpg, sqop and gosop prove.
/// <para>
/// CFB encryption is a serial chain (each block needs the previous ciphertext block), so no core can speed it up;
/// it is the slowest pass (~900 MiB per CPU second). The MDC's SHA-1 of the plaintext does not depend on it. Once
/// a message outgrows one segment (and there is a second core), each filled segment goes through two threads in
/// turn, one hashing it and one running the chain over it in place, while the caller's thread fills the next
/// segments and writes the encrypted ones out; the chain's thread does nothing else. Six segments of 512 KiB
/// circulate, so memory stays flat whatever the size (3 MiB; 1 MiB segments were no faster and cost the front end
/// 3 MiB more of its 150 MiB budget). A short tip is hashed and encrypted inline. While the message's
/// <see cref="MessageBuffers"/> are small, one 16 KiB segment is reused inline and no thread starts.
/// </para>
/// </remarks>
internal sealed class SeipdWriter : IPayloadWriter
{
    /// <summary>The literal packet hands over pieces of up to 2^18 octets once a message is large.</summary>
    public const int LargePieceBits = 18;

    // A multiple of every block size; big enough that the hand-overs (each may wake a thread) cost little.
    private const int SegmentSize = 512 * 1024;

    // Segments circulating at most once the pipeline runs: bounds memory (3 MiB) whatever the message size.
    private const int PipelineSegments = 6;

    // The one segment of a message whose buffers are small (MessageBuffers.StartSmall), reused inline.
    private const int SmallSegmentSize = 1 << MessageBuffers.SmallPieceBits;

    // Room behind a segment's data for the MDC's digest, which the hashing step appends to the last segment.
    private const int DigestRoom = 20;

    // Full-size segments outlive the message: one large message's worth is kept for the next.
    private static readonly SegmentPool Pool = new(SegmentSize + DigestRoom, PipelineSegments);

    private readonly CfbCipher _cipher;
    private readonly IncrementalHash _sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
    private readonly PartialBodyWriter _body;
    private readonly List<Segment> _segments = [];
    private readonly Stack<Segment> _free = new();
    private readonly Stack<Segment> _freeSmall = new();
    private readonly MessageBuffers? _buffers;
    private Segment _current;
    private SegmentChannel? _toHash;
    private SegmentChannel? _toEncrypt;
    private SegmentChannel? _encrypted;
    private Thread? _hasher;
    private Thread? _encryptor;

    public SeipdWriter(CfbCipher cipher, ByteSink output, MessageBuffers? buffers = null)
    {
        _cipher = cipher;
        _buffers = buffers;
        _body = new PartialBodyWriter(18, output, LargePieceBits, buffers);
        _body.Write(new byte[] { 1 });
        _current = NewSegment(MessageBuffers.AreSmall(buffers) ? SmallSegmentSize : 64 * 1024);

        int size = cipher.BlockSize;
        byte[] prefix = new byte[size + 2];
        RandomNumberGenerator.Fill(prefix.AsSpan(0, size));
        prefix[size] = prefix[size - 2];
        prefix[size + 1] = prefix[size - 1];
        Write(prefix);
        CryptographicOperations.ZeroMemory(prefix);
    }

    /// <summary>Encrypts inner packet bytes (plaintext) into the packet, hashing them for the MDC.</summary>
    // Hot loop of a 1 GiB message: compile it optimized at once instead of starting in tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Write(ReadOnlySpan<byte> plaintext)
    {
        while (!plaintext.IsEmpty)
        {
            Segment current = _current;
            int room = current.Buffer.Length - DigestRoom - current.Length;
            if (room == 0)
            {
                Hand(current);
                _current = current = NextSegment();
                room = current.Buffer.Length - DigestRoom;
            }

            int take = Math.Min(plaintext.Length, room);
            plaintext[..take].CopyTo(current.Buffer.AsSpan(current.Length));
            current.Length += take;
            plaintext = plaintext[take..];
        }
    }

    /// <summary>Appends the MDC packet, encrypts what is left and ends the packet.</summary>
    public void Finish()
    {
        // The MDC packet's header is hashed like the data before it; the hashing step appends the digest.
        Write([0xD3, 0x14]);
        _current.Last = true;
        Hand(_current);
        if (_toHash is not null)
        {
            _toHash.Close();
            while (_encrypted!.TryTake(out Segment segment))
            {
                WriteOut(segment);
            }
        }

        _body.Finish();
    }

    public void Dispose()
    {
        // Stop the pipeline (an abandoned message, a failing output) before clearing what its threads use.
        _toHash?.Abandon();
        _toEncrypt?.Abandon();
        _encrypted?.Abandon();
        _hasher?.Join();
        _encryptor?.Join();
        _sha1.Dispose();
        _cipher.Dispose();
        foreach (Segment segment in _segments)
        {
            if (segment.Buffer.Length == Pool.Length)
            {
                Pool.Return(segment.Buffer);
            }
            else
            {
                CryptographicOperations.ZeroMemory(segment.Buffer);
            }
        }

        _segments.Clear();
    }

    /// <summary>
    /// Sends a filled segment (or the last one) to be hashed and encrypted: through the pipeline once the message
    /// has outgrown its first segment and there is a second core, inline otherwise (a short tip starts no thread).
    /// Then writes out whatever the pipeline has finished, without waiting for it.
    /// </summary>
    private void Hand(Segment segment)
    {
        if (_toHash is null && segment.Length == SegmentSize && Environment.ProcessorCount > 1)
        {
            _toHash = new SegmentChannel();
            _toEncrypt = new SegmentChannel();
            _encrypted = new SegmentChannel();
            _hasher = StageThread.Start("SEIPD MDC", HashAll, _toEncrypt);
            _encryptor = StageThread.Start("SEIPD CFB", EncryptAll, _encrypted);
        }

        if (_toHash is null)
        {
            Hash(segment);
            Encrypt(segment);
            WriteOut(segment);
            return;
        }

        _toHash.Add(segment);
        while (_encrypted!.TryTakeReady(out Segment done))
        {
            WriteOut(done);
        }
    }

    private Segment NextSegment()
    {
        if (MessageBuffers.AreSmall(_buffers))
        {
            return _freeSmall.TryPop(out Segment? small) ? small : NewSegment(SmallSegmentSize);
        }

        if (_free.TryPop(out Segment? free))
        {
            return free;
        }

        if (_toHash is null || _segments.Count < PipelineSegments)
        {
            return NewSegment(SegmentSize);
        }

        // Every segment is in the pipeline: wait for the oldest, write it out and reuse it.
        if (!_encrypted!.TryTake(out Segment done))
        {
            throw new InvalidOperationException("The encryption pipeline ended early.");
        }

        WriteOut(done);
        return _free.Pop();
    }

    private Segment NewSegment(int size)
    {
        var segment = size == SegmentSize ? new Segment(Pool.Rent()) : new Segment(size + DigestRoom);
        _segments.Add(segment);
        return segment;
    }

    private void HashAll()
    {
        while (_toHash!.TryTake(out Segment segment))
        {
            Hash(segment);
            _toEncrypt!.Add(segment);
        }
    }

    private void EncryptAll()
    {
        while (_toEncrypt!.TryTake(out Segment segment))
        {
            Encrypt(segment);
            _encrypted!.Add(segment);
        }
    }

    private void Hash(Segment segment)
    {
        _sha1.AppendData(segment.Buffer, 0, segment.Length);
        if (segment.Last)
        {
            _sha1.GetHashAndReset(segment.Buffer.AsSpan(segment.Length, DigestRoom));
            segment.Length += DigestRoom;
        }
    }

    // Hot loop of a 1 GiB message: compile it optimized at once instead of starting in tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Encrypt(Segment segment)
    {
        // In place: CFB reads each plaintext block before it writes the ciphertext block over it.
        Span<byte> data = segment.Buffer.AsSpan(0, segment.Length);
        _cipher.Encrypt(data, data);
    }

    private void WriteOut(Segment segment)
    {
        _body.Write(segment.Buffer.AsSpan(0, segment.Length));
        segment.Length = 0;
        segment.Last = false;
        if (segment.Buffer.Length == SegmentSize + DigestRoom)
        {
            _free.Push(segment);
        }
        else if (segment.Buffer.Length == SmallSegmentSize + DigestRoom && MessageBuffers.AreSmall(_buffers))
        {
            _freeSmall.Push(segment);
        }
    }
}

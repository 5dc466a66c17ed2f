using System.Security.Cryptography;
using System.Runtime.CompilerServices;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Decrypts a SEIPD v1 body (after its version octet) and yields the inner packets. The last 22 plaintext octets
/// (the MDC packet) are always held back, and the end of the stream is reported only after the MDC matched: a
/// reader that sees the end has seen verified data. A mismatch throws <see cref="CryptoException"/>.
/// </summary>
/// <remarks>
/// The prefix's "quick check" octets are deliberately not checked: answering differently for them is the
/// Mister–Zuccherato oracle; only the MDC decides. Why not BouncyCastle: see <see cref="SeipdWriter"/>.
/// SHA-1 runs one chunk behind decryption, on a second core while the next chunk is decrypted; bytes may be
/// handed out before they are hashed, which changes nothing: the end is reported only after the MDC matched.
/// </remarks>
internal sealed class SeipdReader : ForwardOnlyReadStream
{
    private const int MdcLength = 22;
    private const int ChunkSize = 256 * 1024;
    private const int ParallelThreshold = 64 * 1024;

    private readonly Stream _body;
    private readonly CfbCipher _cipher;
    private readonly IncrementalHash _sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
    // The ciphertext block before each chunk stays in front of it (the zero IV at first), see DecryptAfterPrevious.
    private readonly byte[] _encrypted = new byte[ChunkSize + 16];
    private readonly byte[] _plain = new byte[(2 * ChunkSize) + MdcLength];
    private int _start;
    private int _hashed;
    private int _end;
    private bool _verified;

    public SeipdReader(Stream body, CfbCipher cipher)
    {
        _body = body;
        _cipher = cipher;
        int prefix = cipher.BlockSize + 2;
        try
        {
            Fill();
            if (_end - _start < prefix + MdcLength)
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

        _start += prefix;
    }

    // Hot loop of a 1 GiB message: compile it optimized at once instead of starting in tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty || _verified)
        {
            return 0;
        }

        while (_end - _start <= MdcLength)
        {
            if (!Fill())
            {
                Verify();
                return 0;
            }
        }

        int count = Math.Min(buffer.Length, _end - _start - MdcLength);
        _plain.AsSpan(_start, count).CopyTo(buffer);
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
            _sha1.Dispose();
            _cipher.Dispose();
            CryptographicOperations.ZeroMemory(_plain);
        }

        base.Dispose(disposing);
    }

    /// <summary>
    /// Decrypts the next chunk after what is buffered, while hashing what earlier chunks decrypted (all but the
    /// last 22 octets seen, which may be the MDC packet). False at the end of the body.
    /// </summary>
    // Hot loop of a 1 GiB message: compile it optimized at once instead of starting in tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Fill()
    {
        int keep = Math.Min(_start, _hashed);
        Buffer.BlockCopy(_plain, keep, _plain, 0, _end - keep);
        _start -= keep;
        _hashed -= keep;
        _end -= keep;

        // Fill whole blocks: the cipher accepts a short block only as the very last piece.
        int read = 0;
        int block = _cipher.BlockSize;
        int wanted = Math.Min(ChunkSize, _plain.Length - _end) / block * block;
        while (read < wanted)
        {
            int n = _body.Read(_encrypted, block + read, wanted - read);
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

        int hashable = Math.Max(0, _end - MdcLength - _hashed);
        int end = _end;
        if (hashable >= ParallelThreshold && Environment.ProcessorCount > 1)
        {
            int from = _hashed;
            Parallel.Invoke(
                () => _sha1.AppendData(_plain, from, hashable),
                () => _cipher.DecryptAfterPrevious(_encrypted.AsSpan(0, block + read), _plain.AsSpan(end)));
        }
        else
        {
            _sha1.AppendData(_plain, _hashed, hashable);
            _cipher.DecryptAfterPrevious(_encrypted.AsSpan(0, block + read), _plain.AsSpan(end));
        }

        if (read >= block)
        {
            Buffer.BlockCopy(_encrypted, read, _encrypted, 0, block);
        }

        _hashed += hashable;
        _end += read;
        return true;
    }

    private void Verify()
    {
        const string Failed = "The message failed its integrity check (MDC): it was altered or damaged; discard any output.";
        ReadOnlySpan<byte> mdc = _plain.AsSpan(_start, _end - _start);
        if (mdc.Length != MdcLength || mdc[0] != 0xD3 || mdc[1] != 0x14)
        {
            throw new CryptoException(Failed);
        }

        Span<byte> expected = stackalloc byte[20];
        _sha1.AppendData(_plain, _hashed, _end - MdcLength - _hashed);
        _sha1.AppendData(mdc[..2]);
        _sha1.GetHashAndReset(expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, mdc[2..]))
        {
            throw new CryptoException(Failed);
        }

        _verified = true;
    }
}

using System.Security.Cryptography;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Writes a SEIPD v1 packet (RFC 4880 §5.13): version 1, then under CFB with a zero IV a random block-size prefix
/// with its last two octets repeated, the inner packets, and the MDC packet (0xD3 0x14, then SHA-1 of everything
/// before it including those two octets, §5.14).
/// </summary>
/// <remarks>
/// BouncyCastle's generator does the same with managed SHA-1 (~200 MiB/s) and block-at-a-time CFB; here SHA-1 is
/// <see cref="IncrementalHash"/> and AES is .NET's (OpenSSL, AES-NI), several times faster on a 1 GiB upload. The
/// bytes are identical in form, which the interoperability tests with gpg, sqop and gosop prove.
/// </remarks>
internal sealed class SeipdWriter : IDisposable
{
    private const int CipherChunk = 64 * 1024;

    private readonly CfbCipher _cipher;
    private readonly IncrementalHash _sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
    private readonly PartialBodyWriter _body;
    private readonly byte[] _encrypted = new byte[CipherChunk];
    private readonly byte[] _carry;
    private int _carried;

    public SeipdWriter(CfbCipher cipher, ByteSink output)
    {
        _cipher = cipher;
        _carry = new byte[cipher.BlockSize];
        _body = new PartialBodyWriter(18, output);
        _body.Write([1]);

        int size = cipher.BlockSize;
        byte[] prefix = new byte[size + 2];
        RandomNumberGenerator.Fill(prefix.AsSpan(0, size));
        prefix[size] = prefix[size - 2];
        prefix[size + 1] = prefix[size - 1];
        Write(prefix);
        CryptographicOperations.ZeroMemory(prefix);
    }

    /// <summary>Encrypts inner packet bytes (plaintext) into the packet.</summary>
    public void Write(ReadOnlySpan<byte> plaintext)
    {
        _sha1.AppendData(plaintext);
        Encrypt(plaintext);
    }

    /// <summary>Appends the MDC packet, encrypts what is left and ends the packet.</summary>
    public void Finish()
    {
        Write([0xD3, 0x14]);
        Span<byte> digest = stackalloc byte[20];
        _sha1.GetHashAndReset(digest);
        Encrypt(digest);
        if (_carried > 0)
        {
            _cipher.Encrypt(_carry.AsSpan(0, _carried), _encrypted);
            _body.Write(_encrypted.AsSpan(0, _carried));
        }

        _body.Finish();
    }

    public void Dispose()
    {
        _sha1.Dispose();
        _cipher.Dispose();
        CryptographicOperations.ZeroMemory(_carry);
        CryptographicOperations.ZeroMemory(_encrypted);
    }

    /// <summary>Whole blocks go straight through; a short tail waits in <see cref="_carry"/> for the next write.</summary>
    private void Encrypt(ReadOnlySpan<byte> data)
    {
        int size = _carry.Length;
        if (_carried > 0)
        {
            int take = Math.Min(size - _carried, data.Length);
            data[..take].CopyTo(_carry.AsSpan(_carried));
            _carried += take;
            data = data[take..];
            if (_carried < size)
            {
                return;
            }

            _cipher.Encrypt(_carry, _encrypted);
            _body.Write(_encrypted.AsSpan(0, size));
            _carried = 0;
        }

        while (data.Length >= size)
        {
            int whole = Math.Min(data.Length - (data.Length % size), _encrypted.Length);
            _cipher.Encrypt(data[..whole], _encrypted);
            _body.Write(_encrypted.AsSpan(0, whole));
            data = data[whole..];
        }

        data.CopyTo(_carry);
        _carried = data.Length;
    }
}

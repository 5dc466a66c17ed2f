using System.Numerics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// AES in CFB-128 through .NET (OpenSSL, AES-NI). BouncyCastle's CFB stream runs block by block in managed code;
/// .NET's one-shot <see cref="SymmetricAlgorithm.EncryptCfb(ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte}, PaddingMode, int)"/>
/// processes a whole chunk per call, and chaining chunks is exact in CFB: the IV of the next chunk is the last
/// ciphertext block of this one. The bytes are the same; only the speed differs.
/// </summary>
internal sealed class AesCfb : CfbCipher
{
    private const int Block = 16;

    private readonly Aes _aes;
    // AES-256 round keys for encrypting with AES-NI directly (see AesNiCfb); null where that does not apply.
    private readonly byte[]? _roundKeys;
    private readonly byte[] _iv = new byte[Block];
    private readonly byte[] _tail = new byte[2 * Block];
    private byte[] _keystream = [];
    private bool _finished;

    public AesCfb(ReadOnlySpan<byte> key)
    {
        _aes = Aes.Create();
        _aes.Key = key.ToArray();
        if (key.Length == 32 && AesNiCfb.IsSupported)
        {
            _roundKeys = new byte[AesNiCfb.RoundKeyBytes];
            AesNiCfb.ExpandKey(key, _roundKeys);
        }
    }

    public override int BlockSize => Block;

    public override void Encrypt(ReadOnlySpan<byte> input, Span<byte> output) => Process(input, output, encrypt: true);

    public override void Decrypt(ReadOnlySpan<byte> input, Span<byte> output) => Process(input, output, encrypt: false);

    /// <remarks>
    /// CFB decryption is P[i] = C[i] XOR E(C[i-1]): every keystream block is known up front, so AES-256 runs eight
    /// blocks interleaved on AES-NI with the XOR in the same pass (<see cref="AesNiCfb.Decrypt"/>), and other key
    /// sizes one ECB pass over (C[-1], ..., C[n-2]) and an XOR pass; either is several times faster than the
    /// serial chain encryption cannot avoid.
    /// </remarks>
    // Hot loop of a 1 GiB message: compile it optimized at once instead of starting in tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void DecryptAfterPrevious(ReadOnlySpan<byte> previousAndCiphertext, Span<byte> output)
    {
        ReadOnlySpan<byte> ciphertext = previousAndCiphertext[Block..];
        int whole = ciphertext.Length & ~(Block - 1);
        if (whole > 0 && _roundKeys is not null)
        {
            AesNiCfb.Decrypt(_roundKeys, previousAndCiphertext[..(Block + whole)], output);
            ciphertext.Slice(whole - Block, Block).CopyTo(_iv);
        }
        else if (whole > 0)
        {
            _aes.EncryptEcb(previousAndCiphertext[..whole], output[..whole], PaddingMode.None);
            Xor(ciphertext[..whole], output[..whole], output);
            ciphertext.Slice(whole - Block, Block).CopyTo(_iv);
        }

        if (whole < ciphertext.Length)
        {
            Process(ciphertext[whole..], output[whole..], encrypt: false);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _aes.Dispose();
            CryptographicOperations.ZeroMemory(_iv);
            CryptographicOperations.ZeroMemory(_roundKeys);
            CryptographicOperations.ZeroMemory(_tail);
            CryptographicOperations.ZeroMemory(_keystream);
        }
    }

    /// <summary>
    /// CFB decryption is P[i] = C[i] XOR E(C[i-1]) with C[-1] = IV: every block's keystream is known up front, so
    /// one ECB pass over (IV, C[0..n-2]) computes them all with AES-NI pipelined, several times faster than
    /// running the serial CFB chain the encryption side cannot avoid.
    /// </summary>
    // Hot loop of a 1 GiB message: compile it optimized at once instead of starting in tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void DecryptWhole(ReadOnlySpan<byte> ciphertext, Span<byte> output)
    {
        int length = ciphertext.Length;
        if (_keystream.Length < length)
        {
            CryptographicOperations.ZeroMemory(_keystream);
            _keystream = new byte[length];
        }

        Span<byte> keystream = _keystream.AsSpan(0, length);
        _iv.CopyTo(keystream);
        ciphertext[..(length - Block)].CopyTo(keystream[Block..]);
        ciphertext[^Block..].CopyTo(_iv);
        _aes.EncryptEcb(keystream, keystream, PaddingMode.None);
        Xor(ciphertext, keystream, output);
    }

    // Hot loop of a 1 GiB message: compile it optimized at once instead of starting in tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Xor(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> output)
    {
        int i = 0;
        int width = Vector<byte>.Count;
        for (; i + width <= left.Length; i += width)
        {
            (new Vector<byte>(left[i..]) ^ new Vector<byte>(right[i..])).CopyTo(output[i..]);
        }

        for (; i < left.Length; i++)
        {
            output[i] = (byte)(left[i] ^ right[i]);
        }
    }

    // Hot loop of a 1 GiB message: compile it optimized at once instead of starting in tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Process(ReadOnlySpan<byte> input, Span<byte> output, bool encrypt)
    {
        if (_finished)
        {
            throw new InvalidOperationException("A partial block ended the stream already.");
        }

        int whole = input.Length & ~(Block - 1);
        if (whole > 0)
        {
            ReadOnlySpan<byte> chunk = input[..whole];
            if (encrypt && _roundKeys is not null)
            {
                AesNiCfb.Encrypt(_roundKeys, chunk, output, _iv);
            }
            else if (encrypt)
            {
                _aes.EncryptCfb(chunk, _iv, output, PaddingMode.None, 128);
                output.Slice(whole - Block, Block).CopyTo(_iv);
            }
            else
            {
                DecryptWhole(chunk, output);
            }
        }

        int rest = input.Length - whole;
        if (rest > 0)
        {
            // A short final block: pad with zeros, run one block, keep the prefix (CFB output is per-byte).
            Span<byte> block = _tail.AsSpan(0, Block);
            Span<byte> result = _tail.AsSpan(Block, Block);
            block.Clear();
            input[whole..].CopyTo(block);
            if (encrypt)
            {
                _aes.EncryptCfb(block, _iv, result, PaddingMode.None, 128);
            }
            else
            {
                _aes.DecryptCfb(block, _iv, result, PaddingMode.None, 128);
            }

            result[..rest].CopyTo(output[whole..]);
            CryptographicOperations.ZeroMemory(_tail);
            _finished = true;
        }
    }
}

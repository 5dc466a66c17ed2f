using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace SecureDrop.Net.Crypto;

/// <summary>Full-block CFB over a BouncyCastle engine, for the non-AES algorithms other tools may choose.</summary>
internal sealed class BouncyCfb : CfbCipher
{
    private readonly CfbBlockCipher _cfb;
    private readonly byte[] _block;
    private readonly byte[] _result;
    private bool _finished;

    public BouncyCfb(IBlockCipher engine, ReadOnlySpan<byte> key)
    {
        int size = engine.GetBlockSize();
        _cfb = new CfbBlockCipher(engine, size * 8);
        _cfb.Init(false, new ParametersWithIV(new KeyParameter(key), new byte[size]));
        _block = new byte[size];
        _result = new byte[size];
    }

    public override int BlockSize => _block.Length;

    public override void Encrypt(ReadOnlySpan<byte> input, Span<byte> output) =>
        throw new NotSupportedException("We encrypt with AES only.");

    public override void Decrypt(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (_finished)
        {
            throw new InvalidOperationException("A partial block ended the stream already.");
        }

        int size = _block.Length;
        int at = 0;
        for (; at + size <= input.Length; at += size)
        {
            _cfb.ProcessBlock(input.Slice(at, size), output.Slice(at, size));
        }

        if (at < input.Length)
        {
            Array.Clear(_block);
            input[at..].CopyTo(_block);
            _cfb.ProcessBlock(_block, _result);
            _result.AsSpan(0, input.Length - at).CopyTo(output[at..]);
            _finished = true;
        }
    }

    protected override void Dispose(bool disposing)
    {
        CryptographicOperations.ZeroMemory(_block);
        CryptographicOperations.ZeroMemory(_result);
    }
}

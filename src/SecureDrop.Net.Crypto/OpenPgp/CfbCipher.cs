using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// OpenPGP's CFB mode for SEIPD v1 (RFC 4880 §5.13): zero IV, no resynchronisation, feedback of one whole block.
/// Callers pass whole blocks on every call but the last, which may be shorter (CFB is then a stream cipher).
/// </summary>
internal abstract class CfbCipher : IDisposable
{
    public abstract int BlockSize { get; }

    /// <summary>
    /// AES runs on .NET's hardware-accelerated implementation (<see cref="AesCfb"/>); the other algorithms gpg can
    /// be told to use (Camellia, Twofish, CAST5, 3DES, Blowfish) are rare and go through BouncyCastle.
    /// </summary>
    public static CfbCipher Create(SessionKey session) => session.Algorithm switch
    {
        SymmetricKeyAlgorithmTag.Aes128 or SymmetricKeyAlgorithmTag.Aes192 or SymmetricKeyAlgorithmTag.Aes256 =>
            new AesCfb(session.Key),
        _ => new BouncyCfb(Engine(session.Algorithm), session.Key),
    };

    public abstract void Encrypt(ReadOnlySpan<byte> input, Span<byte> output);

    public abstract void Decrypt(ReadOnlySpan<byte> input, Span<byte> output);

    /// <summary>
    /// Decrypts <paramref name="previousAndCiphertext"/> without its first block, which must be the ciphertext
    /// block that came before (the zero IV at the start of the stream). A reader that keeps that block in front of
    /// its buffer lets AES compute the keystream straight from the buffer, with no copy.
    /// </summary>
    public virtual void DecryptAfterPrevious(ReadOnlySpan<byte> previousAndCiphertext, Span<byte> output) =>
        Decrypt(previousAndCiphertext[BlockSize..], output);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected abstract void Dispose(bool disposing);

    private static IBlockCipher Engine(SymmetricKeyAlgorithmTag algorithm) => algorithm switch
    {
        SymmetricKeyAlgorithmTag.Camellia128 or SymmetricKeyAlgorithmTag.Camellia192
            or SymmetricKeyAlgorithmTag.Camellia256 => new CamelliaEngine(),
        SymmetricKeyAlgorithmTag.Twofish => new TwofishEngine(),
        SymmetricKeyAlgorithmTag.Cast5 => new Cast5Engine(),
        SymmetricKeyAlgorithmTag.TripleDes => new DesEdeEngine(),
        SymmetricKeyAlgorithmTag.Blowfish => new BlowfishEngine(),
        _ => throw new CryptoException(CryptoFailure.UnsupportedMessage, $"The message uses a symmetric algorithm that is not supported ({algorithm})."),
    };
}

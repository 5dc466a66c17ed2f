using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// One key of an OpenPGP AEAD mode (RFC 9580 §5.13.2: EAX, OCB, GCM, each with a 16-octet tag), for SEIPD v2
/// chunks and AEAD-protected secret keys. An instance is not thread-safe: each thread of a pipeline keys its own.
/// </summary>
/// <remarks>
/// AES-OCB, what we write, is <see cref="AesOcb"/> on .NET's AES (AES-NI through OpenSSL); AES-GCM is .NET's
/// <see cref="AesGcm"/>; EAX and non-AES ciphers, which we only ever read, go through BouncyCastle's modes.
/// </remarks>
internal abstract class AeadCipher : IDisposable
{
    public const int TagSize = 16;

    public abstract int NonceSize { get; }

    /// <exception cref="CryptoException">An AEAD mode or cipher that is not supported.</exception>
    public static AeadCipher Create(int aead, int cipher, ReadOnlySpan<byte> key)
    {
        if (SymmetricAlgorithms.KeySize(cipher) != key.Length || SymmetricAlgorithms.BlockSize(cipher) != 16)
        {
            throw new CryptoException(CryptoFailure.UnsupportedMessage, $"AEAD encryption with {SymmetricAlgorithms.Name(cipher)} is not supported (a 128-bit block cipher is required).");
        }

        return (aead, SymmetricAlgorithms.IsAes(cipher)) switch
        {
            (SymmetricAlgorithms.Ocb, true) => new AesOcb(key),
            (SymmetricAlgorithms.Gcm, true) => new DotNetGcm(key),
            (SymmetricAlgorithms.Ocb or SymmetricAlgorithms.Gcm or SymmetricAlgorithms.Eax, _) => new BouncyAead(aead, cipher, key),
            _ => throw new CryptoException(CryptoFailure.UnsupportedMessage, $"The AEAD mode {SymmetricAlgorithms.AeadName(aead)} is not supported (only EAX, OCB and GCM)."),
        };
    }

    /// <summary>Encrypts <paramref name="plaintext"/> into <paramref name="ciphertext"/> (same length, may be the same memory).</summary>
    public abstract void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> associatedData);

    /// <summary>
    /// Decrypts and checks the tag; false (with <paramref name="plaintext"/> cleared) when it does not match.
    /// <paramref name="plaintext"/> may be the same memory as <paramref name="ciphertext"/>.
    /// </summary>
    public abstract bool Decrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> associatedData);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected abstract void Dispose(bool disposing);

    /// <summary>AES-GCM with .NET's implementation: the nonce is the 12 octets RFC 9580 specifies for GCM.</summary>
    private sealed class DotNetGcm(ReadOnlySpan<byte> key) : AeadCipher
    {
        private readonly AesGcm _gcm = new(key, TagSize);

        public override int NonceSize => 12;

        public override void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> associatedData) =>
            _gcm.Encrypt(nonce, plaintext, ciphertext, tag, associatedData);

        public override bool Decrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> associatedData)
        {
            try
            {
                _gcm.Decrypt(nonce, ciphertext, tag, plaintext, associatedData);
                return true;
            }
            catch (AuthenticationTagMismatchException)
            {
                CryptographicOperations.ZeroMemory(plaintext);
                return false;
            }
        }

        protected override void Dispose(bool disposing) => _gcm.Dispose();
    }

    /// <summary>BouncyCastle's EAX, OCB and GCM over any 128-bit block cipher: the rare shapes, read only.</summary>
    private sealed class BouncyAead : AeadCipher
    {
        private readonly int _aead;
        private readonly int _cipher;
        private readonly byte[] _key;

        public BouncyAead(int aead, int cipher, ReadOnlySpan<byte> key)
        {
            _aead = aead;
            _cipher = cipher;
            _key = key.ToArray();
        }

        public override int NonceSize => SymmetricAlgorithms.NonceSize(_aead);

        public override void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> associatedData)
        {
            IAeadCipher mode = Init(true, nonce, associatedData);
            byte[] output = new byte[plaintext.Length + TagSize];
            try
            {
                int written = mode.ProcessBytes(plaintext, output);
                mode.DoFinal(output.AsSpan(written));
                output.AsSpan(0, plaintext.Length).CopyTo(ciphertext);
                output.AsSpan(plaintext.Length).CopyTo(tag);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(output);
            }
        }

        public override bool Decrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> associatedData)
        {
            IAeadCipher mode = Init(false, nonce, associatedData);
            byte[] input = [.. ciphertext, .. tag];
            byte[] output = new byte[ciphertext.Length];
            try
            {
                int written = mode.ProcessBytes(input, output);
                mode.DoFinal(output.AsSpan(written));
                output.CopyTo(plaintext);
                return true;
            }
            catch (InvalidCipherTextException)
            {
                CryptographicOperations.ZeroMemory(plaintext);
                return false;
            }
            finally
            {
                CryptographicOperations.ZeroMemory(output);
            }
        }

        protected override void Dispose(bool disposing) => CryptographicOperations.ZeroMemory(_key);

        private IAeadCipher Init(bool encrypt, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData)
        {
            IAeadCipher mode = _aead switch
            {
                SymmetricAlgorithms.Eax => new EaxBlockCipher(Engine()),
                SymmetricAlgorithms.Ocb => new OcbBlockCipher(Engine(), Engine()),
                _ => new GcmBlockCipher(Engine()),
            };
            mode.Init(encrypt, new AeadParameters(new KeyParameter(_key), TagSize * 8, nonce.ToArray(), associatedData.ToArray()));
            return mode;
        }

        private IBlockCipher Engine() => _cipher switch
        {
            SymmetricAlgorithms.Twofish => new TwofishEngine(),
            SymmetricAlgorithms.Camellia128 or SymmetricAlgorithms.Camellia192 or SymmetricAlgorithms.Camellia256 => new CamelliaEngine(),
            _ => AesUtilities.CreateEngine(),
        };
    }
}

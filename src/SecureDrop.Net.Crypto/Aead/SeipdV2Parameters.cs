using System.Buffers.Binary;
using System.Security.Cryptography;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// The parameters of one SEIPD v2 packet (RFC 9580 §5.13.2) and what they derive: the message key and IV from
/// HKDF-SHA256 over the session key with the packet's salt, each chunk's nonce (IV ‖ eight-octet chunk index), and
/// the associated data (the packet's first five octets, plus the total plaintext length for the final tag).
/// </summary>
internal sealed class SeipdV2Parameters : IDisposable
{
    public const int SaltSize = 32;

    /// <summary>The largest chunk-size octet RFC 9580 allows (2^22 octets per chunk).</summary>
    public const int MaxChunkSizeOctet = 16;

    private readonly byte[] _messageKey;
    private readonly byte[] _iv;

    public SeipdV2Parameters(int cipher, int aead, int chunkSizeOctet, byte[] salt, ReadOnlySpan<byte> sessionKey)
    {
        int keySize = SymmetricAlgorithms.KeySize(cipher);
        int nonceSize = SymmetricAlgorithms.NonceSize(aead);
        if (keySize < 0 || SymmetricAlgorithms.BlockSize(cipher) != 16)
        {
            throw new CryptoException(CryptoFailure.UnsupportedMessage, $"The message's encrypted data uses {SymmetricAlgorithms.Name(cipher)}, which SEIPD v2 cannot use here.");
        }

        if (nonceSize < 0)
        {
            throw new CryptoException(CryptoFailure.UnsupportedMessage, $"The message's encrypted data uses {SymmetricAlgorithms.AeadName(aead)}, which is not supported (only EAX, OCB and GCM).");
        }

        if (chunkSizeOctet > MaxChunkSizeOctet)
        {
            throw new CryptoException(CryptoFailure.Malformed, $"The message's encrypted data declares chunks of 2^{chunkSizeOctet + 6} octets, beyond RFC 9580's limit of 2^22.");
        }

        if (sessionKey.Length != keySize)
        {
            throw new CryptoException(CryptoFailure.WrongKeyOrAltered, "The message's session key does not fit its cipher; it was damaged or not encrypted to this key.");
        }

        Cipher = cipher;
        Aead = aead;
        ChunkSizeOctet = chunkSizeOctet;
        ChunkSize = 1 << (chunkSizeOctet + 6);
        Salt = salt;
        Header = [0xD2, 2, (byte)cipher, (byte)aead, (byte)chunkSizeOctet];
        byte[] derived = HKDF.DeriveKey(HashAlgorithmName.SHA256, sessionKey.ToArray(), keySize + nonceSize - 8, salt, Header);
        _messageKey = derived[..keySize];
        _iv = derived[keySize..];
        CryptographicOperations.ZeroMemory(derived);
    }

    public int Cipher { get; }

    public int Aead { get; }

    public int ChunkSizeOctet { get; }

    /// <summary>Plaintext octets per chunk.</summary>
    public int ChunkSize { get; }

    public byte[] Salt { get; }

    /// <summary>The packet's first five octets: 0xD2 (its tag in OpenPGP format), version, cipher, AEAD mode, chunk size.</summary>
    public byte[] Header { get; }

    /// <summary>A cipher keyed with the message key, for one thread.</summary>
    public AeadCipher NewCipher() => AeadCipher.Create(Aead, Cipher, _messageKey);

    public void Nonce(long chunkIndex, Span<byte> nonce)
    {
        _iv.CopyTo(nonce);
        BinaryPrimitives.WriteInt64BigEndian(nonce[_iv.Length..], chunkIndex);
    }

    public int NonceSize => _iv.Length + 8;

    /// <summary>The final tag's associated data: the header octets, then the plaintext length as eight octets.</summary>
    public byte[] FinalAssociatedData(long totalPlaintext)
    {
        byte[] data = [.. Header, 0, 0, 0, 0, 0, 0, 0, 0];
        BinaryPrimitives.WriteInt64BigEndian(data.AsSpan(Header.Length), totalPlaintext);
        return data;
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_messageKey);
        CryptographicOperations.ZeroMemory(_iv);
    }
}

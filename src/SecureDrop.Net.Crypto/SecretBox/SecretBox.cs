using System.Security.Cryptography;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Authenticated encryption for small secrets at rest (wrapping the vault key, newsroom secret keys, source reply
/// keys): AES-256-GCM with a fresh random 96-bit nonce per seal. Format: version byte 1, 12-byte nonce, ciphertext,
/// 16-byte tag. The associated data (for example a record id and purpose) is authenticated but not stored, so a
/// sealed value moved to another record or purpose fails to open.
/// </summary>
/// <remarks>
/// Random nonces are safe for far more seals than one key will ever see here (the GCM bound is about 2^32 per key).
/// Meant for secrets of kilobytes, not for files: the whole plaintext is in memory.
/// </remarks>
public static class SecretBox
{
    private const byte Version = 1;
    private const int KeyBytes = 32;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private const int Overhead = 1 + NonceBytes + TagBytes;

    /// <summary>Encrypts and authenticates <paramref name="plaintext"/> under a 32-byte key.</summary>
    /// <exception cref="ArgumentException">When the key is not 32 bytes.</exception>
    public static byte[] Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        if (key.Length != KeyBytes)
        {
            throw new ArgumentException($"The key must be exactly {KeyBytes} bytes.", nameof(key));
        }

        byte[] sealedData = new byte[Overhead + plaintext.Length];
        sealedData[0] = Version;
        Span<byte> nonce = sealedData.AsSpan(1, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagBytes);
        aes.Encrypt(
            nonce,
            plaintext,
            sealedData.AsSpan(1 + NonceBytes, plaintext.Length),
            sealedData.AsSpan(1 + NonceBytes + plaintext.Length, TagBytes),
            associatedData);
        return sealedData;
    }

    /// <summary>Checks and decrypts data made by <see cref="Seal"/>; the caller should clear the result after use.</summary>
    /// <exception cref="CryptoException">On any failure: wrong key, altered or truncated data, other associated data.</exception>
    public static byte[] Open(ReadOnlySpan<byte> key, ReadOnlySpan<byte> sealedData, ReadOnlySpan<byte> associatedData)
    {
        // One message for every cause: telling them apart would help an attacker probing stored data.
        const string Failure = "The sealed data could not be opened: wrong key or altered data.";
        if (key.Length != KeyBytes || sealedData.Length < Overhead || sealedData[0] != Version)
        {
            throw new CryptoException(CryptoFailure.WrongKeyOrAltered, Failure);
        }

        int length = sealedData.Length - Overhead;
        byte[] plaintext = new byte[length];
        try
        {
            using var aes = new AesGcm(key, TagBytes);
            aes.Decrypt(
                sealedData.Slice(1, NonceBytes),
                sealedData.Slice(1 + NonceBytes, length),
                sealedData.Slice(1 + NonceBytes + length, TagBytes),
                plaintext,
                associatedData);
            return plaintext;
        }
        catch (CryptographicException e)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            throw new CryptoException(CryptoFailure.WrongKeyOrAltered, Failure, e);
        }
    }
}

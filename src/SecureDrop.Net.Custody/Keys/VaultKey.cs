using System.Security.Cryptography;
using System.Text;
using SecureDrop.Net.Crypto;

namespace SecureDrop.Net.Custody.Keys;

/// <summary>
/// The vault key seals the newsroom secret keys. It is stored only wrapped: once per journalist under a key
/// derived from their passphrase, and once under the recovery key printed at init. Nothing on disk opens it alone.
/// </summary>
public static class VaultKey
{
    public const int Length = 32;

    public static byte[] Create() => RandomNumberGenerator.GetBytes(Length);

    /// <summary>Wraps the vault key under a 32-byte recovery key (random, so no slow KDF is needed).</summary>
    public static byte[] WrapForRecovery(ReadOnlySpan<byte> vaultKey, ReadOnlySpan<byte> recoveryKey)
    {
        var wrappingKey = RecoveryWrappingKey(recoveryKey);
        try
        {
            return SecretBox.Seal(wrappingKey, vaultKey, RecoveryContext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(wrappingKey);
        }
    }

    public static byte[] UnwrapWithRecovery(ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> recoveryKey)
    {
        var wrappingKey = RecoveryWrappingKey(recoveryKey);
        try
        {
            return SecretBox.Open(wrappingKey, wrapped, RecoveryContext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(wrappingKey);
        }
    }

    /// <summary>Formats a recovery key for printing: base32 (Otp.NET's, which TOTP uses too) in groups of four.</summary>
    public static string FormatRecoveryKey(ReadOnlySpan<byte> recoveryKey)
    {
        var text = OtpNet.Base32Encoding.ToString(recoveryKey.ToArray()).TrimEnd('=');
        return string.Join('-', text.Chunk(4).Select(group => new string(group)));
    }

    public static byte[] ParseRecoveryKey(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var compact = text.Replace("-", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        if (compact.Length != 52 || compact.Any(c => c is not ((>= 'A' and <= 'Z') or (>= '2' and <= '7'))))
        {
            throw new CryptoException(CryptoFailure.Malformed, "A recovery key is 52 characters from A–Z and 2–7, as printed by sdnet init.");
        }

        return OtpNet.Base32Encoding.ToBytes(compact + "====");
    }

    private static ReadOnlySpan<byte> RecoveryContext => "sdnet vault key recovery wrap"u8;

    private static byte[] RecoveryWrappingKey(ReadOnlySpan<byte> recoveryKey)
    {
        if (recoveryKey.Length != Length)
        {
            throw new CryptoException(CryptoFailure.Malformed, "A recovery key is 32 bytes (52 base32 characters).");
        }

        return HKDF.DeriveKey(HashAlgorithmName.SHA256, recoveryKey.ToArray(), Length, info: Encoding.ASCII.GetBytes("sdnet recovery wrapping key"));
    }
}

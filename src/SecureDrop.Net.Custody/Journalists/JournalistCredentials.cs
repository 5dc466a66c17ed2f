using System.Security.Cryptography;
using System.Text;
using SecureDrop.Net.Crypto;

namespace SecureDrop.Net.Custody.Journalists;

/// <summary>
/// What a journalist's passphrase guards. One Argon2id derivation per sign-in yields two independent keys (HKDF):
/// a verifier, stored to check the passphrase, and a wrapping key, never stored, that opens their copy of the vault
/// key. A copied database gives an attacker only the slow Argon2id guess per candidate passphrase.
/// </summary>
public static class JournalistCredentials
{
    private const int SaltLength = 16;

    public static JournalistSecrets Create(string passphrase, ReadOnlySpan<byte> vaultKey, string journalistId)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltLength);
        var (verifier, wrappingKey) = Derive(passphrase, salt);
        try
        {
            var wrapped = SecretBox.Seal(wrappingKey, vaultKey, WrapContext(journalistId));
            return new JournalistSecrets(salt, verifier, wrapped);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(wrappingKey);
        }
    }

    /// <summary>Returns the unwrapped vault key, or null when the passphrase is wrong. The caller clears the key.</summary>
    public static byte[]? Unlock(string passphrase, JournalistSecrets secrets, string journalistId)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var (verifier, wrappingKey) = Derive(passphrase, secrets.Salt);
        try
        {
            if (!CryptographicOperations.FixedTimeEquals(verifier, secrets.Verifier))
            {
                return null;
            }

            return SecretBox.Open(wrappingKey, secrets.WrappedVaultKey, WrapContext(journalistId));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(wrappingKey);
            CryptographicOperations.ZeroMemory(verifier);
        }
    }

    /// <summary>Spends the same time as a real check, so an unknown user name cannot be told from a wrong passphrase.</summary>
    public static void SpendEquivalentTime(string passphrase)
    {
        var (verifier, wrappingKey) = Derive(passphrase, new byte[SaltLength]);
        CryptographicOperations.ZeroMemory(verifier);
        CryptographicOperations.ZeroMemory(wrappingKey);
    }

    private static (byte[] Verifier, byte[] WrappingKey) Derive(string passphrase, ReadOnlySpan<byte> salt)
    {
        var secret = Encoding.UTF8.GetBytes(Codename.Normalize(passphrase));
        var master = new byte[KeyDerivation.OutputBytes];
        try
        {
            KeyDerivation.DeriveKey(secret, salt, KeyDerivationPurpose.JournalistPassphrase, master);
            var verifier = HKDF.Expand(HashAlgorithmName.SHA256, master, 32, "sdnet journalist verifier"u8.ToArray());
            var wrappingKey = HKDF.Expand(HashAlgorithmName.SHA256, master, 32, "sdnet journalist vault key wrap"u8.ToArray());
            return (verifier, wrappingKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
            CryptographicOperations.ZeroMemory(master);
        }
    }

    private static byte[] WrapContext(string journalistId) => Encoding.ASCII.GetBytes("sdnet vault key for journalist " + journalistId);
}

/// <summary>The stored half of a journalist's credentials: useless without the passphrase.</summary>
public sealed record JournalistSecrets(byte[] Salt, byte[] Verifier, byte[] WrappedVaultKey);

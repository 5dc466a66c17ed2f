using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Security;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Removes gpg's passphrase protection so the ring can be sealed under the vault key instead. GnuPG encodes
/// passphrases as UTF-8, so we do too (BouncyCastle's default char conversion would break non-ASCII passphrases).
/// Only newsroom keys arrive passphrase-protected (an import); a source's reply key never is.
/// </summary>
internal static class PassphraseProtection
{
    /// <summary>A copy of <paramref name="ring"/> whose secret material is unprotected; stubs stay stubs.</summary>
    public static PgpSecretKeyRing Unprotect(PgpSecretKeyRing ring, ReadOnlySpan<char> passphrase)
    {
        List<PgpSecretKey> locked = ring.GetSecretKeys().Where(SecretKeyProtection.IsProtected).ToList();
        if (locked.Count == 0)
        {
            return ring;
        }

        if (passphrase.IsEmpty)
        {
            throw new CryptoException("The secret key is protected by a passphrase and no passphrase was given.");
        }

        byte[] raw = new byte[Encoding.UTF8.GetByteCount(passphrase)];
        try
        {
            Encoding.UTF8.GetBytes(passphrase, raw);
            var random = new SecureRandom();
            foreach (PgpSecretKey key in locked)
            {
                ring = PgpSecretKeyRing.InsertSecretKey(ring, Unprotect(key, raw, random));
            }

            return ring;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    private static PgpSecretKey Unprotect(PgpSecretKey key, byte[] rawPassphrase, SecureRandom random)
    {
        try
        {
            return PgpSecretKey.CopyWithNewPasswordRaw(key, rawPassphrase, null, SymmetricKeyAlgorithmTag.Null, random);
        }
        catch (Exception e) when (OpenPgpInput.IsLibraryFailure(e))
        {
            // A wrong passphrase shows up as a checksum mismatch of the decrypted key material.
            throw new CryptoException("The passphrase is wrong: the secret key could not be unlocked.", e);
        }
    }
}

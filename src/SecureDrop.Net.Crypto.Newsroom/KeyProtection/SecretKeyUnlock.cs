using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Opens and makes passphrase-protected secret key material (RFC 9580 §5.5.3): CFB with a SHA-1 check value (usage
/// 254, gpg's), CFB with a two-octet checksum (255, old tools), and AEAD (253: Argon2 and OCB/EAX/GCM, what current
/// OpenPGP.js and Sequoia write).
/// </summary>
/// <remarks>
/// Why our own: BouncyCastle 2.7.0 reads an AEAD-protected key as a "checksum mismatch", which would tell an
/// operator their right passphrase is wrong. Here "wrong passphrase" is said only when the check the format defines
/// fails — the AEAD tag, the SHA-1 value, the checksum — and a format we cannot read is named as such.
/// </remarks>
internal static class SecretKeyUnlock
{
    public const string WrongPassphrase = "The passphrase is wrong: the secret key could not be unlocked.";

    /// <summary>The unprotected material of <paramref name="part"/>; the caller clears it.</summary>
    /// <param name="packetTag">5 for the primary key, 7 for a subkey: AEAD binds it.</param>
    /// <exception cref="CryptoException">Wrong passphrase, or a protection that is not supported.</exception>
    public static byte[] Unlock(SecretKeyPart part, int packetTag, ReadOnlySpan<byte> passphrase)
    {
        if (!part.IsProtected)
        {
            return part.Data.ToArray();
        }

        int keySize = SymmetricAlgorithms.KeySize(part.Cipher);
        byte[] key = S2kDerivation.Derive(part.S2k!, passphrase, keySize);
        try
        {
            return part.Usage == SecretKeyPart.UsageAead
                ? OpenAead(part, packetTag, key)
                : OpenCfb(part, key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>
    /// A secret key packet body holding <paramref name="material"/> protected under <paramref name="passphrase"/>
    /// with Argon2 (<paramref name="s2k"/>) and AES-256-OCB, as RFC 9580 recommends.
    /// </summary>
    public static byte[] ProtectAead(KeyPacket key, int packetTag, ReadOnlySpan<byte> material, ReadOnlySpan<byte> passphrase, S2kSpecifier s2k)
    {
        const int Cipher = SymmetricAlgorithms.Aes256;
        const int Aead = SymmetricAlgorithms.Ocb;
        byte[] nonce = RandomNumberGenerator.GetBytes(SymmetricAlgorithms.NonceSize(Aead));
        byte[] s2kKey = S2kDerivation.Derive(s2k, passphrase, SymmetricAlgorithms.KeySize(Cipher));
        byte[] kek = Kek(s2kKey, packetTag, key.Version, Cipher, Aead);
        byte[] encrypted = new byte[material.Length + AeadCipher.TagSize];
        try
        {
            using (AeadCipher aead = AeadCipher.Create(Aead, Cipher, kek))
            {
                aead.Encrypt(nonce, material, encrypted.AsSpan(0, material.Length), encrypted.AsSpan(material.Length), AssociatedData(key, packetTag));
            }

            byte[] s2kEncoded = s2k.Encode();
            byte[] parameters = key.Version == 6
                ? [Cipher, Aead, (byte)s2kEncoded.Length, .. s2kEncoded, .. nonce]
                : [Cipher, Aead, .. s2kEncoded, .. nonce];
            return key.Version == 6
                ? [.. key.Body, SecretKeyPart.UsageAead, (byte)parameters.Length, .. parameters, .. encrypted]
                : [.. key.Body, SecretKeyPart.UsageAead, .. parameters, .. encrypted];
        }
        finally
        {
            CryptographicOperations.ZeroMemory(s2kKey);
            CryptographicOperations.ZeroMemory(kek);
        }
    }

    /// <summary>
    /// The key encryption key (RFC 9580 §5.5.3): HKDF-SHA256 of the S2K output with the packet type in OpenPGP
    /// format, the packet version, the cipher and the AEAD mode as info.
    /// </summary>
    private static byte[] Kek(byte[] s2kKey, int packetTag, int version, int cipher, int aead) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, s2kKey, s2kKey.Length, [], [(byte)(0xC0 | packetTag), (byte)version, (byte)cipher, (byte)aead]);

    /// <summary>The associated data: the packet type in OpenPGP format, then the public key packet's fields.</summary>
    private static byte[] AssociatedData(KeyPacket key, int packetTag) => [(byte)(0xC0 | packetTag), .. key.Body];

    private static byte[] OpenAead(SecretKeyPart part, int packetTag, byte[] s2kKey)
    {
        if (part.Data.Length < AeadCipher.TagSize)
        {
            throw new CryptoException(CryptoFailure.Truncated, $"The secret key material of the {part.Key.Description} key is truncated.");
        }

        byte[] kek = Kek(s2kKey, packetTag, part.Key.Version, part.Cipher, part.Aead);
        int length = part.Data.Length - AeadCipher.TagSize;
        byte[] material = new byte[length];
        try
        {
            using AeadCipher aead = AeadCipher.Create(part.Aead, part.Cipher, kek);
            return aead.Decrypt(part.Iv, part.Data.AsSpan(0, length), part.Data.AsSpan(length), material, AssociatedData(part.Key, packetTag))
                ? material
                : throw new CryptoException(CryptoFailure.WrongPassphrase, WrongPassphrase);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kek);
        }
    }

    private static byte[] OpenCfb(SecretKeyPart part, byte[] key)
    {
        int block = SymmetricAlgorithms.BlockSize(part.Cipher);
        byte[] padded = new byte[(part.Data.Length + block - 1) / block * block];
        part.Data.CopyTo(padded, 0);
        try
        {
            // CFB is a stream mode: deciphering zero padding after the data leaves the data's plaintext unchanged.
            var cfb = new CfbBlockCipher(Engine(part.Cipher), block * 8);
            cfb.Init(false, new ParametersWithIV(new KeyParameter(key), part.Iv));
            for (int at = 0; at < padded.Length; at += block)
            {
                cfb.ProcessBlock(padded, at, padded, at);
            }

            int checkLength = part.Usage == SecretKeyPart.UsageCfbSha1 ? 20 : 2;
            int length = part.Data.Length - checkLength;
            if (length < 0)
            {
                throw new CryptoException(CryptoFailure.Truncated, $"The secret key material of the {part.Key.Description} key is truncated.");
            }

            ReadOnlySpan<byte> material = padded.AsSpan(0, length);
            ReadOnlySpan<byte> check = padded.AsSpan(length, checkLength);
            bool matches = checkLength == 20
                ? CryptographicOperations.FixedTimeEquals(Sha1(material), check)
                : SecretKeyPart.Checksum(material) == ((check[0] << 8) | check[1]);
            return matches ? material.ToArray() : throw new CryptoException(CryptoFailure.WrongPassphrase, WrongPassphrase);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(padded);
        }
    }

    /// <summary>S2K usage 254's check value is SHA-1 by definition (RFC 9580 §5.5.3); it only detects a wrong passphrase.</summary>
    private static byte[] Sha1(ReadOnlySpan<byte> data)
    {
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        sha1.AppendData(data);
        return sha1.GetHashAndReset();
    }

    private static IBlockCipher Engine(int cipher) => cipher switch
    {
        SymmetricAlgorithms.Aes128 or SymmetricAlgorithms.Aes192 or SymmetricAlgorithms.Aes256 => AesUtilities.CreateEngine(),
        SymmetricAlgorithms.Cast5 => new Cast5Engine(),
        SymmetricAlgorithms.TripleDes => new DesEdeEngine(),
        SymmetricAlgorithms.Blowfish => new BlowfishEngine(),
        SymmetricAlgorithms.Twofish => new TwofishEngine(),
        SymmetricAlgorithms.Idea => new IdeaEngine(),
        SymmetricAlgorithms.Camellia128 or SymmetricAlgorithms.Camellia192 or SymmetricAlgorithms.Camellia256 => new CamelliaEngine(),
        _ => throw new CryptoException(CryptoFailure.UnsupportedKey, $"The secret key is protected with {SymmetricAlgorithms.Name(cipher)}, which is not supported; re-export it protected with AES."),
    };
}

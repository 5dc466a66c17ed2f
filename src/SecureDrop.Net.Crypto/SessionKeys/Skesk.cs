using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// A symmetric-key encrypted session key packet (RFC 9580 §5.3): version 4 (S2K, optionally a CFB-encrypted session
/// key) or version 6 (S2K, then the session key under AEAD with an HKDF-derived key). Opens it with a passphrase.
/// </summary>
/// <remarks>Why our own: BouncyCastle 2.7.0 reads neither a v6 packet nor Argon2 S2K.</remarks>
internal sealed class Skesk
{
    private Skesk(int version, int cipher, int aead, S2kSpecifier s2k, byte[] iv, byte[] encrypted)
    {
        Version = version;
        Cipher = cipher;
        Aead = aead;
        S2k = s2k;
        Iv = iv;
        Encrypted = encrypted;
    }

    public int Version { get; }

    public int Cipher { get; }

    public int Aead { get; }

    public S2kSpecifier S2k { get; }

    public byte[] Iv { get; }

    public byte[] Encrypted { get; }

    public static Skesk Parse(byte[] body)
    {
        const string Malformed = "The message's passphrase session key packet is malformed.";
        var reader = new BodyReader(body, Malformed);
        int version = reader.Octet();
        if (version == 4)
        {
            int cipher = reader.Octet();
            S2kSpecifier s2k = S2kSpecifier.Parse(reader, delimited: false);
            return new Skesk(4, cipher, 0, s2k, [], reader.Rest());
        }

        if (version != 6)
        {
            throw new CryptoException(CryptoFailure.UnsupportedMessage, $"The message's passphrase session key packet has version {version}; only versions 4 and 6 exist.");
        }

        var fields = new BodyReader(reader.Bytes(reader.Octet()), Malformed);
        int cipher6 = fields.Octet();
        int aead = fields.Octet();
        S2kSpecifier s2k6 = S2kSpecifier.Parse(new BodyReader(fields.Bytes(fields.Octet()), Malformed), delimited: true);
        byte[] iv = fields.Rest();
        return new Skesk(6, cipher6, aead, s2k6, iv, reader.Rest());
    }

    /// <summary>The session key, or null when the passphrase does not open the packet.</summary>
    /// <param name="seipdCipher">For a v6 packet, the SEIPD v2 packet's cipher (the session key's length).</param>
    public SessionKey? TryDecrypt(ReadOnlySpan<byte> passphrase, int seipdCipher)
    {
        int keySize = SymmetricAlgorithms.KeySize(Cipher);
        if (keySize < 0)
        {
            throw new CryptoException(CryptoFailure.UnsupportedMessage, $"The message's passphrase packet uses {SymmetricAlgorithms.Name(Cipher)}, which is not supported.");
        }

        byte[] key = S2kDerivation.Derive(S2k, passphrase, keySize);
        try
        {
            return Version == 4 ? OpenV4(key) : OpenV6(key, seipdCipher);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>No encrypted key: the S2K output is the session key. Otherwise it is CFB-encrypted with a zero IV.</summary>
    private SessionKey? OpenV4(byte[] key)
    {
        if (Encrypted.Length == 0)
        {
            return SessionKey.FromKey(Cipher, key);
        }

        if (!SymmetricAlgorithms.IsAes(Cipher))
        {
            throw new CryptoException(CryptoFailure.UnsupportedMessage, $"The message's passphrase packet uses {SymmetricAlgorithms.Name(Cipher)}, which is not supported here.");
        }

        int block = SymmetricAlgorithms.BlockSize(Cipher);
        byte[] padded = new byte[(Encrypted.Length + block - 1) / block * block];
        Encrypted.CopyTo(padded, 0);
        try
        {
            var cfb = new CfbBlockCipher(Org.BouncyCastle.Crypto.AesUtilities.CreateEngine(), block * 8);
            cfb.Init(false, new ParametersWithIV(new KeyParameter(key), new byte[block]));
            for (int at = 0; at < padded.Length; at += block)
            {
                cfb.ProcessBlock(padded, at, padded, at);
            }

            // A wrong passphrase gives a random algorithm octet and length: only a sane pair is tried.
            int algorithm = padded[0];
            return SymmetricAlgorithms.KeySize(algorithm) == Encrypted.Length - 1
                ? SessionKey.FromKey(algorithm, padded.AsSpan(1, Encrypted.Length - 1))
                : null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(padded);
        }
    }

    private SessionKey? OpenV6(byte[] key, int seipdCipher)
    {
        byte[] info = [0xC3, 6, (byte)Cipher, (byte)Aead];
        byte[] kek = HKDF.DeriveKey(HashAlgorithmName.SHA256, key, key.Length, [], info);
        int length = Encrypted.Length - AeadCipher.TagSize;
        byte[] sessionKey = new byte[Math.Max(0, length)];
        try
        {
            if (length <= 0)
            {
                return null;
            }

            using AeadCipher aead = AeadCipher.Create(Aead, Cipher, kek);
            return aead.Decrypt(Iv, Encrypted.AsSpan(0, length), Encrypted.AsSpan(length), sessionKey, info)
                ? SessionKey.FromKey(seipdCipher, sessionKey)
                : null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kek);
            CryptographicOperations.ZeroMemory(sessionKey);
        }
    }
}

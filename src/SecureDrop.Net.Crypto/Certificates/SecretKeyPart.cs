using System.Security.Cryptography;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// The secret part of a secret key or subkey packet (RFC 9580 §5.5.3): how it is protected (S2K usage, cipher,
/// AEAD mode, S2K specifier, IV) and its octets, encrypted or plain. Unlocking a protected one is
/// <c>SecretKeyUnlock</c>'s work; this type reads and writes the unprotected form that sealed storage holds.
/// </summary>
internal sealed class SecretKeyPart
{
    public const int Unprotected = 0;
    public const int UsageAead = 253;
    public const int UsageCfbSha1 = 254;
    public const int UsageCfbChecksum = 255;

    private SecretKeyPart(KeyPacket key, int usage, int cipher, int aead, S2kSpecifier? s2k, byte[] iv, byte[] data)
    {
        Key = key;
        Usage = usage;
        Cipher = cipher;
        Aead = aead;
        S2k = s2k;
        Iv = iv;
        Data = data;
    }

    public KeyPacket Key { get; }

    public int Usage { get; }

    public int Cipher { get; }

    public int Aead { get; }

    public S2kSpecifier? S2k { get; }

    public byte[] Iv { get; }

    /// <summary>Encrypted key material (with its check value or tag), or for an unprotected key the material itself.</summary>
    public byte[] Data { get; }

    /// <summary>A gpg stub (GNU S2K extension 101): the secret is elsewhere (offline, on a card) or absent.</summary>
    public bool IsStub => S2k?.Type == S2kSpecifier.GnuExtension;

    public bool IsProtected => Usage != Unprotected && !IsStub;

    public static SecretKeyPart Parse(byte[] body)
    {
        const string Malformed = "The data is not a readable OpenPGP key: a secret key packet is malformed.";
        KeyPacket key = KeyPacket.Parse(body, secret: true, out int publicLength);
        var reader = new BodyReader(body, Malformed);
        reader.Bytes(publicLength);
        int usage = reader.Octet();
        if (usage == Unprotected)
        {
            byte[] data = reader.Rest();
            if (key.Version == 4)
            {
                // v4 appends a two-octet sum of the material (RFC 9580 §5.5.3); v6 relies on the key pair check.
                if (data.Length < 2 || Checksum(data.AsSpan(0, data.Length - 2)) != ((data[^2] << 8) | data[^1]))
                {
                    throw new CryptoException(CryptoFailure.Tampered, $"The secret key material of the {key.Description} key is damaged (its checksum does not match).");
                }

                byte[] material = data[..^2];
                CryptographicOperations.ZeroMemory(data);
                data = material;
            }

            return new SecretKeyPart(key, usage, 0, 0, null, [], data);
        }

        if (usage is not (UsageAead or UsageCfbSha1 or UsageCfbChecksum))
        {
            throw new CryptoException(CryptoFailure.UnsupportedKey,
                $"The {key.Description} secret key is protected with an obsolete method (a bare cipher id with MD5, PGP 2.x); re-export it from a current tool with a passphrase.");
        }

        return ParseProtection(reader, key, usage);
    }

    public static int Checksum(ReadOnlySpan<byte> material)
    {
        int sum = 0;
        foreach (byte b in material)
        {
            sum += b;
        }

        return sum & 0xFFFF;
    }

    /// <summary>The body of an unprotected secret key packet holding <paramref name="material"/>; the caller clears it.</summary>
    public static byte[] EncodeUnprotected(KeyPacket key, ReadOnlySpan<byte> material)
    {
        int checksumLength = key.Version == 4 ? 2 : 0;
        byte[] body = new byte[key.Body.Length + 1 + material.Length + checksumLength];
        key.Body.CopyTo(body, 0);
        material.CopyTo(body.AsSpan(key.Body.Length + 1));
        if (checksumLength == 2)
        {
            int sum = Checksum(material);
            body[^2] = (byte)(sum >> 8);
            body[^1] = (byte)sum;
        }

        return body;
    }

    /// <summary>
    /// Reads cipher, AEAD mode, S2K specifier and IV. A v6 packet counts the octets of these fields (and of its S2K
    /// specifier) first, so an S2K type we do not know still parses and is refused only when unlocking.
    /// </summary>
    private static SecretKeyPart ParseProtection(BodyReader reader, KeyPacket key, int usage)
    {
        const string Malformed = "The data is not a readable OpenPGP key: a secret key packet is malformed.";
        BodyReader fields = reader;
        if (key.Version == 6)
        {
            if (usage == UsageCfbChecksum)
            {
                throw new CryptoException(CryptoFailure.Malformed, $"The {key.Description} secret key uses S2K usage 255, which version 6 keys must not use; the key is malformed.");
            }

            fields = new BodyReader(reader.Bytes(reader.Octet()), Malformed);
        }

        int cipher = fields.Octet();
        int aead = usage == UsageAead ? fields.Octet() : 0;
        S2kSpecifier s2k = key.Version == 6
            ? S2kSpecifier.Parse(new BodyReader(fields.Bytes(fields.Octet()), Malformed), delimited: true)
            : S2kSpecifier.Parse(fields, delimited: false);
        if (s2k.Type == S2kSpecifier.GnuExtension)
        {
            return new SecretKeyPart(key, usage, cipher, aead, s2k, [], reader.Rest());
        }

        int ivLength = usage == UsageAead ? SymmetricAlgorithms.NonceSize(aead) : SymmetricAlgorithms.BlockSize(cipher);
        if (ivLength < 0 || SymmetricAlgorithms.KeySize(cipher) < 0)
        {
            throw new CryptoException(CryptoFailure.UnsupportedKey,
                $"The {key.Description} secret key is protected with {SymmetricAlgorithms.Name(cipher)}{(usage == UsageAead ? " and " + SymmetricAlgorithms.AeadName(aead) : string.Empty)}, which is not supported; re-export it protected with AES.");
        }

        byte[] iv = fields.Bytes(ivLength);
        if (key.Version == 6)
        {
            fields.End();
        }

        return new SecretKeyPart(key, usage, cipher, aead, s2k, iv, reader.Rest());
    }
}

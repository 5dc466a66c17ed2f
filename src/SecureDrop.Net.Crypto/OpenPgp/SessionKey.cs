using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// A message's symmetric session key and its algorithm. The key bytes are cleared on dispose; the "session info"
/// form (algorithm octet, key, two-octet checksum, RFC 4880 §5.1) is what a public-key packet wraps.
/// </summary>
internal sealed class SessionKey : IDisposable
{
    private readonly byte[] _key;

    private SessionKey(SymmetricKeyAlgorithmTag algorithm, byte[] key)
    {
        Algorithm = algorithm;
        _key = key;
    }

    public SymmetricKeyAlgorithmTag Algorithm { get; }

    public ReadOnlySpan<byte> Key => _key;

    /// <summary>A fresh random AES-256 key: the only algorithm we encrypt with.</summary>
    public static SessionKey NewAes256() => new(SymmetricKeyAlgorithmTag.Aes256, RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// A session key whose algorithm travels outside it: in the clear before an X25519, X448 or ML-KEM key in a v3
    /// packet, or in the SEIPD v2 packet for a v6 packet (RFC 9580 §5.1). The length must fit the algorithm.
    /// </summary>
    public static SessionKey FromKey(int algorithm, ReadOnlySpan<byte> key)
    {
        if (algorithm == 0)
        {
            throw new CryptoException(CryptoFailure.MessageRefused, "The message is not encrypted (null cipher); it is refused.");
        }

        int keyBytes = SymmetricAlgorithms.KeySize(algorithm);
        return keyBytes == key.Length
            ? new SessionKey((SymmetricKeyAlgorithmTag)algorithm, key.ToArray())
            : throw new CryptoException(CryptoFailure.WrongKeyOrAltered, "The message's session key is damaged or was not encrypted to this key.");
    }

    /// <summary>Reads session info after unwrapping, checking its checksum and that the key fits the algorithm.</summary>
    public static SessionKey FromSessionInfo(ReadOnlySpan<byte> info)
    {
        const string Damaged = "The message's session key is damaged or was not encrypted to this key.";
        if (info.Length < 4)
        {
            throw new CryptoException(CryptoFailure.WrongKeyOrAltered, Damaged);
        }

        ReadOnlySpan<byte> key = info[1..^2];
        int expected = (info[^2] << 8) | info[^1];
        var algorithm = (SymmetricKeyAlgorithmTag)info[0];
        if (Checksum(key) != expected)
        {
            throw new CryptoException(CryptoFailure.WrongKeyOrAltered, Damaged);
        }

        if (algorithm == SymmetricKeyAlgorithmTag.Null)
        {
            throw new CryptoException(CryptoFailure.MessageRefused, "The message is not encrypted (null cipher); it is refused.");
        }

        int keyBytes;
        try
        {
            keyBytes = PgpUtilities.GetKeySize(algorithm) / 8;
        }
        catch (PgpException e)
        {
            throw new CryptoException(CryptoFailure.UnsupportedMessage, $"The message uses an unknown symmetric algorithm ({(int)algorithm}).", e);
        }

        return keyBytes == key.Length ? new SessionKey(algorithm, key.ToArray()) : throw new CryptoException(CryptoFailure.WrongKeyOrAltered, Damaged);
    }

    /// <summary>Algorithm octet, key, checksum; the caller clears the returned array.</summary>
    public byte[] ToSessionInfo()
    {
        byte[] info = new byte[_key.Length + 3];
        info[0] = (byte)Algorithm;
        _key.CopyTo(info, 1);
        int checksum = Checksum(_key);
        info[^2] = (byte)(checksum >> 8);
        info[^1] = (byte)checksum;
        return info;
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(_key);

    private static int Checksum(ReadOnlySpan<byte> key)
    {
        int sum = 0;
        foreach (byte b in key)
        {
            sum += b;
        }

        return sum & 0xFFFF;
    }
}

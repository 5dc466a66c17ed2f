using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto.Agreement;
using Org.BouncyCastle.Crypto.Encodings;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Public-key encrypted session key packets (PKESK v3) for the two key types we accept: RSA (PKCS#1 v1.5,
/// RFC 4880 §5.1) and legacy ECDH on Curve25519 (RFC 6637 §8 with AES key wrap). BouncyCastle builds and opens
/// these only inside its own streams and never hands out the session key; re-wrapping a stored message for a new
/// key and our own payload cipher both need it, so the two operations live here, on BouncyCastle's primitives.
/// </summary>
internal static class SessionKeyWrap
{
    public static PublicKeyEncSessionPacket Wrap(SessionKey session, PgpPublicKey recipient, SecureRandom random)
    {
        byte[] info = session.ToSessionInfo();
        try
        {
            byte[] data = recipient.Algorithm switch
            {
                PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaEncrypt => WrapRsa(info, recipient, random),
                PublicKeyAlgorithmTag.ECDH => WrapX25519(info, recipient, random),
                _ => throw new CryptoException($"Cannot encrypt to a key of algorithm {recipient.Algorithm}."),
            };
            return new PublicKeyEncSessionPacket(recipient.KeyId, recipient.Algorithm, [data]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(info);
        }
    }

    /// <summary>The packet as it goes on the wire.</summary>
    public static byte[] Encode(PublicKeyEncSessionPacket packet)
    {
        using var buffer = new MemoryStream();
        using (var packets = new BcpgOutputStream(buffer))
        {
            packets.WritePacket(packet);
        }

        return buffer.ToArray();
    }

    /// <summary>The session key in <paramref name="packet"/>, or null when <paramref name="key"/> does not open it.</summary>
    public static SessionKey? TryUnwrap(PublicKeyEncSessionPacket packet, PgpPrivateKey key)
    {
        if (packet.Version != PublicKeyEncSessionPacket.Version3 || packet.Algorithm != key.PublicKeyPacket.Algorithm)
        {
            return null;
        }

        byte[]? info = null;
        try
        {
            byte[] data = packet.GetEncSessionKey()[0];
            info = packet.Algorithm switch
            {
                PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaEncrypt => UnwrapRsa(data, key),
                PublicKeyAlgorithmTag.ECDH => UnwrapX25519(data, key),
                _ => null,
            };
            return info is null ? null : SessionKey.FromSessionInfo(info);
        }
        catch (CryptoException)
        {
            return null;
        }
        catch (Exception e) when (OpenPgpInput.IsLibraryFailure(e))
        {
            return null;
        }
        finally
        {
            if (info is not null)
            {
                CryptographicOperations.ZeroMemory(info);
            }
        }
    }

    private static byte[] WrapRsa(byte[] info, PgpPublicKey recipient, SecureRandom random)
    {
        var rsa = new Pkcs1Encoding(new RsaBlindedEngine());
        rsa.Init(true, new ParametersWithRandom(recipient.GetKey(), random));
        return new MPInteger(new BigInteger(1, rsa.ProcessBlock(info, 0, info.Length))).GetEncoded();
    }

    private static byte[] UnwrapRsa(byte[] mpi, PgpPrivateKey key)
    {
        var rsa = new Pkcs1Encoding(new RsaBlindedEngine());
        rsa.Init(false, key.Key);
        return rsa.ProcessBlock(mpi, 2, mpi.Length - 2);
    }

    /// <summary>Ephemeral point as an MPI (0x40 ‖ u), one length octet, then the AES-wrapped, padded session info.</summary>
    private static byte[] WrapX25519(byte[] info, PgpPublicKey recipient, SecureRandom random)
    {
        var ephemeral = new X25519PrivateKeyParameters(random);
        byte[] point = new byte[1 + X25519PublicKeyParameters.KeySize];
        point[0] = 0x40;
        ephemeral.GeneratePublicKey().Encode(point, 1);
        byte[] shared = new byte[X25519PrivateKeyParameters.SecretSize];
        byte[]? padded = null;
        try
        {
            ephemeral.GenerateSecret((X25519PublicKeyParameters)recipient.GetKey(), shared, 0);
            var wrapper = new Rfc3394WrapEngine(new AesEngine());
            wrapper.Init(true, new KeyParameter(Rfc6637Utilities.CreateKey(recipient.PublicKeyPacket, shared)));
            padded = PgpPad.PadSessionData(info);
            byte[] wrapped = wrapper.Wrap(padded, 0, padded.Length);
            byte[] mpi = new MPInteger(new BigInteger(1, point)).GetEncoded();
            return [.. mpi, (byte)wrapped.Length, .. wrapped];
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
            if (padded is not null)
            {
                CryptographicOperations.ZeroMemory(padded);
            }
        }
    }

    private static byte[]? UnwrapX25519(byte[] data, PgpPrivateKey key)
    {
        // 2-octet MPI bit count of 263 (0x40 prefix + 32 octets), the point, one length octet, the wrapped key.
        const int PointLength = 33;
        if (data.Length < 2 + PointLength + 1 || ((data[0] << 8) | data[1]) != 263 || data[2] != 0x40
            || data[2 + PointLength] != data.Length - 2 - PointLength - 1 || key.Key is not X25519PrivateKeyParameters secret)
        {
            return null;
        }

        var ephemeral = new X25519PublicKeyParameters(data, 3);
        byte[] shared = new byte[X25519PrivateKeyParameters.SecretSize];
        byte[]? padded = null;
        try
        {
            var agreement = new X25519Agreement();
            agreement.Init(secret);
            agreement.CalculateAgreement(ephemeral, shared, 0);
            var wrapper = new Rfc3394WrapEngine(new AesEngine());
            wrapper.Init(false, new KeyParameter(Rfc6637Utilities.CreateKey(key.PublicKeyPacket, shared)));
            padded = wrapper.Unwrap(data, 2 + PointLength + 1, data.Length - 2 - PointLength - 1);
            return PgpPad.UnpadSessionData(padded);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
            if (padded is not null)
            {
                CryptographicOperations.ZeroMemory(padded);
            }
        }
    }
}

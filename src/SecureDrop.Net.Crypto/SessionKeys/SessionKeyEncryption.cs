using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto.Encodings;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Kems;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Utilities;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Encrypts a session key to one recipient key as a v3 (for SEIPD v1) or v6 (for SEIPD v2) PKESK packet, for every
/// encryption algorithm we accept: RSA, ECDH (Curve25519 legacy, NIST, brainpool), X25519, X448 and RFC 9980's
/// ML-KEM-768+X25519 and ML-KEM-1024+X448. Encrypt-only: it never sees a secret key.
/// </summary>
internal static class SessionKeyEncryption
{
    /// <summary>The whole PKESK packet; throws <see cref="CryptoException"/> for a key we cannot encrypt to.</summary>
    public static byte[] Encrypt(KeyPacket recipient, SessionKey session, int pkeskVersion)
    {
        var random = new SecureRandom();
        byte[] fields = (recipient.Algorithm, recipient.Material) switch
        {
            (KeyAlgorithm.Rsa or KeyAlgorithm.RsaEncryptOnly, RsaKeyMaterial rsa) => Rsa(rsa, session, pkeskVersion, random),
            (KeyAlgorithm.Ecdh, EcKeyMaterial ec) => Ecdh(recipient, ec, session, pkeskVersion, random),
            (KeyAlgorithm.X25519 or KeyAlgorithm.X448, NativeKeyMaterial key) => Native(recipient.Algorithm, key.Key, session, pkeskVersion, random),
            (KeyAlgorithm.MlKem768X25519 or KeyAlgorithm.MlKem1024X448, CompositeKeyMaterial key) => Composite(recipient.Algorithm, key, session, pkeskVersion, random),
            _ => throw new CryptoException(CryptoFailure.UnsupportedKey, $"Cannot encrypt to a {recipient.Description} key."),
        };
        return Pkesk.Encode(pkeskVersion, recipient, fields);
    }

    /// <summary>What RSA and ECDH wrap: v3 adds the algorithm octet in front; both end with the two-octet checksum.</summary>
    public static byte[] SessionInfo(SessionKey session, int pkeskVersion)
    {
        byte[] info = session.ToSessionInfo();
        if (pkeskVersion == 3)
        {
            return info;
        }

        byte[] withoutAlgorithm = info[1..];
        CryptographicOperations.ZeroMemory(info);
        return withoutAlgorithm;
    }

    private static byte[] Rsa(RsaKeyMaterial key, SessionKey session, int version, SecureRandom random)
    {
        byte[] info = SessionInfo(session, version);
        try
        {
            var rsa = new Pkcs1Encoding(new RsaBlindedEngine());
            rsa.Init(true, new ParametersWithRandom(new RsaKeyParameters(false, new BigInteger(1, key.Modulus), new BigInteger(1, key.Exponent)), random));
            return Mpi(rsa.ProcessBlock(info, 0, info.Length));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(info);
        }
    }

    /// <summary>MPI of the ephemeral point, one length octet, the AES-wrapped, padded session info (RFC 9580 §5.1.4).</summary>
    private static byte[] Ecdh(KeyPacket recipient, EcKeyMaterial ec, SessionKey session, int version, SecureRandom random)
    {
        (byte[] ephemeral, byte[] shared) = EcdhAgree(ec, random);
        byte[] kek = KeyAgreement.EcdhKek(recipient, ec, shared);
        byte[] info = SessionInfo(session, version);
        byte[] padded = PgpPad.PadSessionData(info);
        try
        {
            byte[] wrapped = KeyAgreement.Wrap(kek, padded);
            return [.. Mpi(ephemeral), (byte)wrapped.Length, .. wrapped];
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
            CryptographicOperations.ZeroMemory(kek);
            CryptographicOperations.ZeroMemory(info);
            CryptographicOperations.ZeroMemory(padded);
        }
    }

    /// <summary>An ephemeral key pair on the recipient's curve: its public point as encoded, and the shared secret.</summary>
    private static (byte[] Ephemeral, byte[] Shared) EcdhAgree(EcKeyMaterial ec, SecureRandom random)
    {
        if (Curves.Curve25519Legacy.Equals(ec.Curve) && ec.Point.Length == 33 && ec.Point[0] == 0x40)
        {
            var secret = new X25519PrivateKeyParameters(random);
            byte[] shared = new byte[32];
            secret.GenerateSecret(new X25519PublicKeyParameters(ec.Point, 1), shared, 0);
            return ([0x40, .. secret.GeneratePublicKey().GetEncoded()], shared);
        }

        if (ec.Curve is { } curve && Curves.IsWeierstrass(curve))
        {
            ECDomainParameters domain = Curves.Domain(curve);
            ECPoint point = domain.Curve.DecodePoint(ec.Point);
            var generator = new ECKeyPairGenerator();
            generator.Init(new ECKeyGenerationParameters(domain, random));
            var pair = generator.GenerateKeyPair();
            ECPoint sharedPoint = point.Multiply(((ECPrivateKeyParameters)pair.Private).D).Normalize();
            byte[] shared = BigIntegers.AsUnsignedByteArray(Curves.FieldOctets(curve), sharedPoint.AffineXCoord.ToBigInteger());
            return (((ECPublicKeyParameters)pair.Public).Q.GetEncoded(false), shared);
        }

        throw new CryptoException(CryptoFailure.UnsupportedKey, "Cannot encrypt to an ECDH key on this curve.");
    }

    /// <summary>X25519 and X448 (RFC 9580 §5.1.6, §5.1.7): ephemeral key, length, [v3: cipher id], AES-wrapped key.</summary>
    private static byte[] Native(int algorithm, byte[] recipient, SessionKey session, int version, SecureRandom random)
    {
        (byte[] ephemeral, byte[] shared) = NativeAgree(algorithm, recipient, random);
        byte[] kek = KeyAgreement.NativeKek(algorithm, ephemeral, recipient, shared);
        try
        {
            return [.. ephemeral, .. WrappedWithLength(kek, session, version)];
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
            CryptographicOperations.ZeroMemory(kek);
        }
    }

    /// <summary>
    /// ML-KEM + ECDH (RFC 9980 §4.2.3): ECDH ciphertext, ML-KEM ciphertext, length, [v3: cipher id], and the session
    /// key wrapped with AES-256 under the combined KEK.
    /// </summary>
    private static byte[] Composite(int algorithm, CompositeKeyMaterial key, SessionKey session, int version, SecureRandom random)
    {
        int ecdhAlgorithm = algorithm == KeyAlgorithm.MlKem768X25519 ? KeyAlgorithm.X25519 : KeyAlgorithm.X448;
        MLKemParameters parameters = algorithm == KeyAlgorithm.MlKem768X25519 ? MLKemParameters.ml_kem_768 : MLKemParameters.ml_kem_1024;
        (byte[] ecdhCipherText, byte[] ecdhShare) = NativeAgree(ecdhAlgorithm, key.Ecc, random);
        var encapsulator = new MLKemEncapsulator(parameters);
        encapsulator.Init(new ParametersWithRandom(MLKemPublicKeyParameters.FromEncoding(parameters, key.PostQuantum), random));
        byte[] mlkemCipherText = new byte[encapsulator.EncapsulationLength];
        byte[] mlkemShare = new byte[encapsulator.SecretLength];
        byte[]? kek = null;
        try
        {
            encapsulator.Encapsulate(mlkemCipherText, mlkemShare);
            kek = KeyAgreement.CombineKem(mlkemShare, ecdhShare, ecdhCipherText, key.Ecc, algorithm);
            return [.. ecdhCipherText, .. mlkemCipherText, .. WrappedWithLength(kek, session, version)];
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ecdhShare);
            CryptographicOperations.ZeroMemory(mlkemShare);
            if (kek is not null)
            {
                CryptographicOperations.ZeroMemory(kek);
            }
        }
    }

    private static (byte[] Ephemeral, byte[] Shared) NativeAgree(int algorithm, byte[] recipient, SecureRandom random)
    {
        if (algorithm == KeyAlgorithm.X25519)
        {
            var secret = new X25519PrivateKeyParameters(random);
            byte[] shared = new byte[X25519PrivateKeyParameters.SecretSize];
            secret.GenerateSecret(new X25519PublicKeyParameters(recipient), shared, 0);
            return (secret.GeneratePublicKey().GetEncoded(), shared);
        }

        var secret448 = new X448PrivateKeyParameters(random);
        byte[] shared448 = new byte[X448PrivateKeyParameters.SecretSize];
        secret448.GenerateSecret(new X448PublicKeyParameters(recipient), shared448, 0);
        return (secret448.GeneratePublicKey().GetEncoded(), shared448);
    }

    /// <summary>One length octet, the cipher id in the clear for a v3 packet, then the key wrapped without checksum.</summary>
    private static byte[] WrappedWithLength(byte[] kek, SessionKey session, int version)
    {
        byte[] wrapped = KeyAgreement.Wrap(kek, session.Key);
        return version == 3
            ? [(byte)(wrapped.Length + 1), (byte)session.Algorithm, .. wrapped]
            : [(byte)wrapped.Length, .. wrapped];
    }

    private static byte[] Mpi(byte[] magnitude)
    {
        int start = 0;
        while (start < magnitude.Length - 1 && magnitude[start] == 0)
        {
            start++;
        }

        int bits = magnitude.Length == 0 ? 0 : ((magnitude.Length - start - 1) * 8) + (32 - System.Numerics.BitOperations.LeadingZeroCount((uint)magnitude[start]));
        return [(byte)(bits >> 8), (byte)bits, .. magnitude.AsSpan(start)];
    }
}

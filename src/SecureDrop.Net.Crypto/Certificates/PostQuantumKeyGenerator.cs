using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Parameters;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Makes a post-quantum OpenPGP key (RFC 9980): a version 4 Ed25519 (algorithm 27) certify+sign primary key and an
/// ML-KEM-768+X25519 (algorithm 35) encryption subkey, as RFC 9980's own v4 sample is built. Version 4 so that a
/// v3 session key packet to it can replace a classic key's in a stored SEIPD v1 item (re-wrapping a payload needs
/// no other change); the features subpacket states SEIPD v1 only, so what is encrypted to it stays SEIPD v1 like
/// every stored item, with a v3 session key packet of algorithm 35.
/// </summary>
/// <remarks>
/// Threat: "harvest now, decrypt later". Against a future quantum computer, X25519 alone falls; ML-KEM-768 (FIPS
/// 203) holds; combined by RFC 9980's KEM combiner, the session key stays safe while either does.
/// </remarks>
internal static class PostQuantumKeyGenerator
{
    /// <summary>SEIPD v1 (modification detection) only: see the type's remarks.</summary>
    private const int Features = 0x01;

    /// <summary>Returns the encoded, unprotected transferable secret key; the caller must clear it.</summary>
    public static byte[] Generate(string userId, DateTime created)
    {
        byte[] seed = RandomNumberGenerator.GetBytes(32);
        byte[] x25519 = RandomNumberGenerator.GetBytes(32);
        byte[] mlkemSeed = RandomNumberGenerator.GetBytes(64);
        byte[]? primaryBody = null;
        byte[]? subkeyBody = null;
        try
        {
            byte[] edPublic = new Ed25519PrivateKeyParameters(seed).GeneratePublicKey().GetEncoded();
            KeyPacket primary = Parse(PublicBody(created, KeyAlgorithm.Ed25519, edPublic));
            byte[] xPublic = new X25519PrivateKeyParameters(x25519).GeneratePublicKey().GetEncoded();
            byte[] mlkemPublic = MLKemPrivateKeyParameters.FromSeed(MLKemParameters.ml_kem_768, mlkemSeed).GetPublicKeyEncoded();
            KeyPacket subkey = Parse(PublicBody(created, KeyAlgorithm.MlKem768X25519, [.. xPublic, .. mlkemPublic]));
            byte[] userIdBytes = Encoding.UTF8.GetBytes(userId);

            primaryBody = SecretKeyPart.EncodeUnprotected(primary, seed);
            subkeyBody = SecretKeyPart.EncodeUnprotected(subkey, [.. x25519, .. mlkemSeed]);
            using var output = new MemoryStream(primaryBody.Length + subkeyBody.Length + 1024);
            try
            {
                RawPacket.Create(5, primaryBody).WriteTo(output);
                RawPacket.Create(13, userIdBytes).WriteTo(output);
                RawPacket.Create(2, SelfSignature.Certification(primary, seed, userIdBytes, created, Features)).WriteTo(output);
                RawPacket.Create(7, subkeyBody).WriteTo(output);
                RawPacket.Create(2, SelfSignature.SubkeyBinding(primary, seed, subkey, created)).WriteTo(output);
                return output.ToArray();
            }
            finally
            {
                CryptographicOperations.ZeroMemory(output.GetBuffer());
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
            CryptographicOperations.ZeroMemory(x25519);
            CryptographicOperations.ZeroMemory(mlkemSeed);
            if (primaryBody is not null)
            {
                CryptographicOperations.ZeroMemory(primaryBody);
            }

            if (subkeyBody is not null)
            {
                CryptographicOperations.ZeroMemory(subkeyBody);
            }
        }
    }

    /// <summary>
    /// <paramref name="key"/> (unprotected, v4, with an Ed25519 primary: what the classic generator made) with an
    /// ML-KEM-768+X25519 encryption subkey added and bound by the primary key: the newest encryption subkey, so new
    /// messages go to it, while the older subkeys still open what was sent to them. The caller clears the result.
    /// </summary>
    public static byte[] AddSubkey(TransferableKey key, DateTime created)
    {
        KeyComponent primary = key.Primary;
        if (primary.Key.Version != 4 || primary.Secret is not { IsProtected: false, IsStub: false } secret
            || primary.Key.Algorithm is not (KeyAlgorithm.Ed25519 or KeyAlgorithm.EdDsaLegacy))
        {
            throw new CryptoException(CryptoFailure.UnsupportedKey, $"A post-quantum subkey can be added only to an unprotected v4 Ed25519 key; this is a {primary.Key.Description} key.");
        }

        byte[] seed = primary.Key.Algorithm == KeyAlgorithm.Ed25519 ? secret.Data.ToArray() : LegacySeed(secret.Data);
        byte[] x25519 = RandomNumberGenerator.GetBytes(32);
        byte[] mlkemSeed = RandomNumberGenerator.GetBytes(64);
        byte[]? subkeyBody = null;
        var output = new MemoryStream(64 * 1024);
        try
        {
            byte[] xPublic = new X25519PrivateKeyParameters(x25519).GeneratePublicKey().GetEncoded();
            byte[] mlkemPublic = MLKemPrivateKeyParameters.FromSeed(MLKemParameters.ml_kem_768, mlkemSeed).GetPublicKeyEncoded();
            KeyPacket subkey = Parse(PublicBody(created, KeyAlgorithm.MlKem768X25519, [.. xPublic, .. mlkemPublic]));
            subkeyBody = SecretKeyPart.EncodeUnprotected(subkey, [.. x25519, .. mlkemSeed]);
            key.Write(output, component => component.Packet);
            RawPacket.Create(7, subkeyBody).WriteTo(output);
            RawPacket.Create(2, SelfSignature.SubkeyBinding(primary.Key, seed, subkey, created)).WriteTo(output);
            return output.ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
            CryptographicOperations.ZeroMemory(x25519);
            CryptographicOperations.ZeroMemory(mlkemSeed);
            CryptographicOperations.ZeroMemory(output.GetBuffer());
            if (subkeyBody is not null)
            {
                CryptographicOperations.ZeroMemory(subkeyBody);
            }
        }
    }

    /// <summary>Legacy EdDSA keeps the 32-octet seed as an MPI (leading zero octets dropped).</summary>
    private static byte[] LegacySeed(byte[] material)
    {
        byte[] mpi = new BodyReader(material, "The secret key material is damaged and could not be read.").Mpi();
        byte[] seed = new byte[32];
        mpi.AsSpan(Math.Max(0, mpi.Length - 32)).CopyTo(seed.AsSpan(Math.Max(0, 32 - mpi.Length)));
        CryptographicOperations.ZeroMemory(mpi);
        return seed;
    }

    private static byte[] PublicBody(DateTime created, int algorithm, byte[] material)
    {
        uint seconds = (uint)(created - DateTime.UnixEpoch).TotalSeconds;
        return [4, (byte)(seconds >> 24), (byte)(seconds >> 16), (byte)(seconds >> 8), (byte)seconds, (byte)algorithm, .. material];
    }

    private static KeyPacket Parse(byte[] body) => KeyPacket.Parse(body, secret: false, out _);
}

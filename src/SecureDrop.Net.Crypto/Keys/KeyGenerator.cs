using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Bcpg.Sig;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Makes a v4 newsroom key the way GnuPG 2.2 would: an Ed25519 (legacy EdDSA, algorithm 22) certify+sign primary
/// and a Cv25519 (legacy ECDH, algorithm 18) encryption subkey with KDF SHA-256 / AES-256, or on request RSA 4096
/// for both. RFC 9580's new algorithm ids are avoided on purpose: GnuPG 2.2 and Debian's Sequoia cannot use them.
/// </summary>
internal static class KeyGenerator
{
    /// <summary>Returns the encoded, unprotected secret key ring; the caller must clear it.</summary>
    public static byte[] Generate(string userId, DateTime creationTime, NewsroomKeyAlgorithm algorithm)
    {
        var random = new SecureRandom();
        (PgpKeyPair primary, PgpKeyPair subkey) = algorithm switch
        {
            NewsroomKeyAlgorithm.Curve25519 => (CreateEd25519(random, creationTime), CreateCv25519(random, creationTime)),
            NewsroomKeyAlgorithm.Rsa4096 => (CreateRsa(random, creationTime), CreateRsa(random, creationTime)),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown key algorithm."),
        };

        var primaryPackets = new PgpSignatureSubpacketGenerator();
        primaryPackets.SetSignatureCreationTime(false, creationTime);
        primaryPackets.SetIssuerFingerprint(false, primary.PublicKey);
        primaryPackets.SetKeyFlags(false, PgpKeyFlags.CanCertify | PgpKeyFlags.CanSign);
        primaryPackets.SetPreferredSymmetricAlgorithms(
            false, [(int)SymmetricKeyAlgorithmTag.Aes256, (int)SymmetricKeyAlgorithmTag.Aes128]);
        primaryPackets.SetPreferredHashAlgorithms(false, [(int)HashAlgorithmTag.Sha512, (int)HashAlgorithmTag.Sha256]);
        primaryPackets.SetFeature(false, Features.FEATURE_MODIFICATION_DETECTION);
        primaryPackets.SetPrimaryUserId(false, true);

        var subkeyPackets = new PgpSignatureSubpacketGenerator();
        subkeyPackets.SetSignatureCreationTime(false, creationTime);
        subkeyPackets.SetIssuerFingerprint(false, primary.PublicKey);
        subkeyPackets.SetKeyFlags(false, PgpKeyFlags.CanEncryptCommunications | PgpKeyFlags.CanEncryptStorage);

        // Null symmetric algorithm: the ring is written unprotected; the caller seals it under the vault key.
        var generator = new PgpKeyRingGenerator(
            PgpSignature.PositiveCertification, primary, userId, SymmetricKeyAlgorithmTag.Null, HashAlgorithmTag.Sha512,
            rawPassPhrase: null, useSha1: false, primaryPackets.Generate(), null, random);
        generator.AddSubKey(subkey, subkeyPackets.Generate(), null, HashAlgorithmTag.Sha512);
        return KeyRings.Encode(generator.GenerateSecretKeyRing());
    }

    /// <summary>RSA 4096 with e = 65537; 100 Miller–Rabin rounds leave a composite "prime" out of reach.</summary>
    private static PgpKeyPair CreateRsa(SecureRandom random, DateTime creationTime)
    {
        var generator = new RsaKeyPairGenerator();
        generator.Init(new RsaKeyGenerationParameters(BigInteger.ValueOf(65537), random, 4096, 100));
        return new PgpKeyPair(PublicKeyAlgorithmTag.RsaGeneral, generator.GenerateKeyPair(), creationTime);
    }

    private static PgpKeyPair CreateEd25519(SecureRandom random, DateTime creationTime)
    {
        byte[] seed = new byte[Ed25519PrivateKeyParameters.KeySize];
        try
        {
            // The legacy encoding stores the seed as an MPI, which drops leading zero octets; some implementations
            // mishandle the shortened form, so draw again in that 1-in-256 case (costs well under one bit).
            do
            {
                random.NextBytes(seed);
            }
            while (seed[0] == 0);

            var secret = new Ed25519PrivateKeyParameters(seed);
            return new PgpKeyPair(PublicKeyAlgorithmTag.EdDsa_Legacy, secret.GeneratePublicKey(), secret, creationTime);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    private static PgpKeyPair CreateCv25519(SecureRandom random, DateTime creationTime)
    {
        byte[] scalar = new byte[X25519PrivateKeyParameters.KeySize];
        try
        {
            random.NextBytes(scalar);

            // Store the scalar clamped (RFC 7748 §5) as GnuPG does: X25519 clamps anyway, and the high bit set by
            // clamping keeps the reversed MPI a full 32 bytes, which BouncyCastle's parser requires.
            scalar[0] &= 248;
            scalar[31] &= 127;
            scalar[31] |= 64;
            var secret = new X25519PrivateKeyParameters(scalar);

            // BouncyCastle's own X25519 conversion fixes the KDF at SHA-256/AES-128; build the packet for AES-256.
            byte[] point = new byte[1 + X25519PublicKeyParameters.KeySize];
            point[0] = 0x40;
            secret.GeneratePublicKey().Encode(point, 1);
            var key = new ECDHPublicBcpgKey(
                KeyPolicy.Curve25519Legacy, new BigInteger(1, point), HashAlgorithmTag.Sha256,
                SymmetricKeyAlgorithmTag.Aes256);
            var packet = new PublicKeyPacket(PublicKeyPacket.Version4, PublicKeyAlgorithmTag.ECDH, creationTime, key);
            var publicKey = new PgpPublicKey(packet);
            return new PgpKeyPair(publicKey, new PgpPrivateKey(publicKey.KeyId, packet, secret));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(scalar);
        }
    }
}

using System.Buffers.Binary;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Makes the version 4 self-signatures of a key we generate or extend, with an Ed25519 primary key (algorithm 27, or
/// legacy EdDSA 22 for the classic keys made before) and SHA-512 (RFC 9580 §5.2.4; RFC 9980 §6.2 forbids SHA-1 for
/// bindings over its algorithms): a positive certification of the user id and a subkey binding. Verified back by
/// <see cref="SignatureVerifier"/> in the generator's tests.
/// </summary>
/// <remarks>Why our own: BouncyCastle 2.7.0's key ring generator cannot bind an algorithm-35 subkey.</remarks>
internal static class SelfSignature
{
    public const int KeyFlagsCertifySign = 0x03;
    public const int KeyFlagsEncrypt = 0x0C;

    /// <summary>Positive certification (0x13) of <paramref name="userId"/> stating flags, preferences and features.</summary>
    public static byte[] Certification(KeyPacket primary, ReadOnlySpan<byte> seed, byte[] userId, DateTime created, int features)
    {
        byte[] hashed =
        [
            .. Subpacket(2, Time(created)),
            .. Subpacket(33, [4, .. primary.Fingerprint]),
            .. Subpacket(27, [KeyFlagsCertifySign]),
            .. Subpacket(11, [SymmetricAlgorithms.Aes256, SymmetricAlgorithms.Aes128]),
            .. Subpacket(21, [HashAlgorithms.Sha512, HashAlgorithms.Sha256]),
            .. Subpacket(22, [0]),
            .. Subpacket(30, [(byte)features]),
            .. Subpacket(25, [1]),
        ];
        byte[] prefix = [0xB4, (byte)(userId.Length >> 24), (byte)(userId.Length >> 16), (byte)(userId.Length >> 8), (byte)userId.Length];
        return Sign(0x13, primary, seed, hashed, [.. KeyPacket.HashPrefix4(primary.Body.Length), .. primary.Body, .. prefix, .. userId]);
    }

    /// <summary>Subkey binding (0x18) flagging <paramref name="subkey"/> for encrypting communications and storage.</summary>
    public static byte[] SubkeyBinding(KeyPacket primary, ReadOnlySpan<byte> seed, KeyPacket subkey, DateTime created)
    {
        byte[] hashed =
        [
            .. Subpacket(2, Time(created)),
            .. Subpacket(33, [4, .. primary.Fingerprint]),
            .. Subpacket(27, [KeyFlagsEncrypt]),
        ];
        return Sign(0x18, primary, seed, hashed,
            [.. KeyPacket.HashPrefix4(primary.Body.Length), .. primary.Body, .. KeyPacket.HashPrefix4(subkey.Body.Length), .. subkey.Body]);
    }

    private static byte[] Sign(int type, KeyPacket primary, ReadOnlySpan<byte> seed, byte[] hashed, byte[] signed)
    {
        if (primary.Algorithm is not (KeyAlgorithm.Ed25519 or KeyAlgorithm.EdDsaLegacy))
        {
            throw new CryptoException(CryptoFailure.UnsupportedKey, $"Cannot sign with a {primary.Description} key here (Ed25519 only).");
        }

        byte[] fields = [4, (byte)type, (byte)primary.Algorithm, HashAlgorithms.Sha512, (byte)(hashed.Length >> 8), (byte)hashed.Length, .. hashed];
        byte[] trailer = [4, 0xFF, 0, 0, 0, 0];
        BinaryPrimitives.WriteInt32BigEndian(trailer.AsSpan(2), fields.Length);
        var sha512 = new Sha512Digest();
        sha512.BlockUpdate(signed);
        sha512.BlockUpdate(fields);
        sha512.BlockUpdate(trailer);
        byte[] digest = new byte[64];
        sha512.DoFinal(digest);

        var signer = new Ed25519Signer();
        signer.Init(true, new Ed25519PrivateKeyParameters(seed));
        signer.BlockUpdate(digest, 0, digest.Length);
        byte[] signature = signer.GenerateSignature();

        // The issuer key id goes unhashed, as gpg writes it; the hashed issuer fingerprint is what counts.
        byte[] keyId = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(keyId, primary.KeyId);
        byte[] unhashed = Subpacket(16, keyId);
        // Algorithm 27 carries the 64 octets as they are; legacy EdDSA carries R and S as two MPIs.
        byte[] material = primary.Algorithm == KeyAlgorithm.Ed25519 ? signature : [.. Mpi(signature[..32]), .. Mpi(signature[32..])];
        return [.. fields, (byte)(unhashed.Length >> 8), (byte)unhashed.Length, .. unhashed, digest[0], digest[1], .. material];
    }

    private static byte[] Mpi(byte[] magnitude)
    {
        int start = 0;
        while (start < magnitude.Length - 1 && magnitude[start] == 0)
        {
            start++;
        }

        int bits = ((magnitude.Length - start - 1) * 8) + (32 - System.Numerics.BitOperations.LeadingZeroCount((uint)magnitude[start]));
        return [(byte)(bits >> 8), (byte)bits, .. magnitude.AsSpan(start)];
    }

    private static byte[] Subpacket(int type, byte[] data) => [(byte)(data.Length + 1), (byte)type, .. data];

    private static byte[] Time(DateTime time)
    {
        byte[] seconds = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(seconds, (uint)(time - DateTime.UnixEpoch).TotalSeconds);
        return seconds;
    }
}

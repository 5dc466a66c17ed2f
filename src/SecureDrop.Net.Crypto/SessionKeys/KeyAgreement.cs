using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// The key derivations that turn a key agreement into a key-encryption key: RFC 9580's ECDH KDF (§11.5), its HKDF
/// for X25519 and X448 (§5.1.6, §5.1.7), and RFC 9980's KEM combiner (§4.2.2), then AES key wrap (RFC 3394).
/// </summary>
internal static class KeyAgreement
{
    /// <summary>"OpenPGPCompositeKDFv1", RFC 9980's domain separator.</summary>
    private static readonly byte[] CompositeDomain = Encoding.ASCII.GetBytes("OpenPGPCompositeKDFv1");

    private static readonly byte[] AnonymousSender = Encoding.ASCII.GetBytes("Anonymous Sender    ");

    /// <summary>
    /// multiKeyCombine (RFC 9980 §4.2.2): SHA3-256(mlkemKeyShare ‖ ecdhKeyShare ‖ ecdhCipherText ‖ ecdhPublicKey ‖
    /// algId ‖ domSep ‖ len(domSep)). Returns the 32-octet KEK; the caller clears it.
    /// </summary>
    public static byte[] CombineKem(ReadOnlySpan<byte> mlkemShare, ReadOnlySpan<byte> ecdhShare, ReadOnlySpan<byte> ecdhCipherText, ReadOnlySpan<byte> ecdhPublicKey, int algorithm)
    {
        var sha3 = new Sha3Digest(256);
        sha3.BlockUpdate(mlkemShare);
        sha3.BlockUpdate(ecdhShare);
        sha3.BlockUpdate(ecdhCipherText);
        sha3.BlockUpdate(ecdhPublicKey);
        sha3.Update((byte)algorithm);
        sha3.BlockUpdate(CompositeDomain);
        sha3.Update((byte)CompositeDomain.Length);
        byte[] kek = new byte[32];
        sha3.DoFinal(kek);
        return kek;
    }

    /// <summary>
    /// The X25519 (HKDF-SHA256, "OpenPGP X25519", 16 octets) or X448 (HKDF-SHA512, "OpenPGP X448", 32 octets) KEK
    /// from the ephemeral key, the recipient's key and the shared secret.
    /// </summary>
    public static byte[] NativeKek(int algorithm, ReadOnlySpan<byte> ephemeral, ReadOnlySpan<byte> recipient, ReadOnlySpan<byte> shared)
    {
        byte[] input = [.. ephemeral, .. recipient, .. shared];
        try
        {
            return algorithm == KeyAlgorithm.X25519
                ? HKDF.DeriveKey(HashAlgorithmName.SHA256, input, 16, [], "OpenPGP X25519"u8.ToArray())
                : HKDF.DeriveKey(HashAlgorithmName.SHA512, input, 32, [], "OpenPGP X448"u8.ToArray());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
        }
    }

    /// <summary>
    /// The ECDH KEK (RFC 9580 §11.5): the KDF hash over 00 00 00 01 ‖ Z ‖ Param, where Param binds the curve, the
    /// KDF parameters and the recipient's fingerprint; the leftmost key-size octets of the wrap cipher.
    /// </summary>
    public static byte[] EcdhKek(KeyPacket recipient, EcKeyMaterial ec, ReadOnlySpan<byte> shared)
    {
        IDigest digest = HashAlgorithms.Create(ec.KdfHash)
            ?? throw new CryptoException(CryptoFailure.UnsupportedKey, $"The ECDH key's KDF hash ({ec.KdfHash}) is not supported.");
        byte[] parameters = [(byte)ec.EncodedCurve.Length, .. ec.EncodedCurve, KeyAlgorithm.Ecdh, 3, 1, (byte)ec.KdfHash, (byte)ec.KdfCipher, .. AnonymousSender, .. recipient.Fingerprint];
        digest.BlockUpdate([0, 0, 0, 1]);
        digest.BlockUpdate(shared);
        digest.BlockUpdate(parameters);
        byte[] hash = new byte[digest.GetDigestSize()];
        digest.DoFinal(hash);
        int keySize = SymmetricAlgorithms.KeySize(ec.KdfCipher);
        if (keySize < 0 || keySize > hash.Length)
        {
            throw new CryptoException(CryptoFailure.UnsupportedKey, $"The ECDH key's wrap cipher ({SymmetricAlgorithms.Name(ec.KdfCipher)}) is not supported.");
        }

        byte[] kek = hash[..keySize];
        CryptographicOperations.ZeroMemory(hash);
        return kek;
    }

    public static byte[] Wrap(byte[] kek, ReadOnlySpan<byte> data)
    {
        var wrap = new Rfc3394WrapEngine(AesUtilities.CreateEngine());
        wrap.Init(true, new KeyParameter(kek));
        byte[] input = data.ToArray();
        try
        {
            return wrap.Wrap(input, 0, input.Length);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
        }
    }

    /// <summary>Unwraps, or returns null when the integrity check fails (the packet is not for this key, or damaged).</summary>
    public static byte[]? Unwrap(byte[] kek, ReadOnlySpan<byte> wrapped)
    {
        var wrap = new Rfc3394WrapEngine(AesUtilities.CreateEngine());
        wrap.Init(false, new KeyParameter(kek));
        byte[] input = wrapped.ToArray();
        try
        {
            return wrap.Unwrap(input, 0, input.Length);
        }
        catch (InvalidCipherTextException)
        {
            return null;
        }
    }
}

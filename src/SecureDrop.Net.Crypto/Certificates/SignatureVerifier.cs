using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Encodings;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Verifies the self-signatures of a key (RFC 9580 §5.2.4): what each signature type hashes, the v4 and v6
/// trailers and salts, then the algorithm's verification on BouncyCastle's primitives — RSA PKCS #1 v1.5, ECDSA on
/// NIST and brainpool curves, Ed25519 (legacy and native), Ed448, and RFC 9980's ML-DSA composites and SLH-DSA.
/// Anything else, or anything malformed, simply does not verify.
/// </summary>
internal static class SignatureVerifier
{
    /// <summary>A direct-key signature or a key revocation: the primary key alone.</summary>
    public static bool VerifyOnKey(KeySignature signature, KeyPacket primary) =>
        Verify(signature, primary, digest => UpdateKey(digest, signature, primary));

    /// <summary>A certification (or its revocation) of a user id, or of a user attribute (tag 17).</summary>
    public static bool VerifyOnUserId(KeySignature signature, KeyPacket primary, byte[] userId, bool attribute) =>
        Verify(signature, primary, digest =>
        {
            UpdateKey(digest, signature, primary);
            byte[] prefix = [attribute ? (byte)0xD1 : (byte)0xB4, (byte)(userId.Length >> 24), (byte)(userId.Length >> 16), (byte)(userId.Length >> 8), (byte)userId.Length];
            digest.BlockUpdate(prefix, 0, prefix.Length);
            digest.BlockUpdate(userId, 0, userId.Length);
        });

    /// <summary>A subkey binding or subkey revocation: the primary key, then the subkey.</summary>
    public static bool VerifyOnSubkey(KeySignature signature, KeyPacket primary, KeyPacket subkey)
    {
        // RFC 9980 §6.2: a binding over a post-quantum subkey made with SHA-1 is invalid.
        if (KeyAlgorithm.IsPostQuantum(subkey.Algorithm) && signature.HashAlgorithm == HashAlgorithms.Sha1)
        {
            return false;
        }

        return Verify(signature, primary, digest =>
        {
            UpdateKey(digest, signature, primary);
            UpdateKey(digest, signature, subkey);
        });
    }

    private static void UpdateKey(IDigest digest, KeySignature signature, KeyPacket key)
    {
        byte[] prefix = signature.Version == 4 ? KeyPacket.HashPrefix4(key.Body.Length) : KeyPacket.HashPrefix6(key.Body.Length);
        digest.BlockUpdate(prefix, 0, prefix.Length);
        digest.BlockUpdate(key.Body, 0, key.Body.Length);
    }

    private static bool Verify(KeySignature signature, KeyPacket signer, Action<IDigest> hashSigned)
    {
        // A v6 key makes v6 signatures and a v4 key v4 ones (RFC 9580 §5.2.3); both carry a creation time.
        if (signature.Version != signer.Version || signature.KeyAlgorithm != signer.Algorithm
            || signature.Created == default || signature.HasUnknownCritical)
        {
            return false;
        }

        bool postQuantum = KeyAlgorithm.IsPostQuantum(signer.Algorithm);
        if (HashAlgorithms.Create(signature.HashAlgorithm) is not { } digest
            || (signature.HashAlgorithm == HashAlgorithms.Sha1 && (signature.Version == 6 || postQuantum))
            || (signature.Version == 6 && signature.Salt.Length != HashAlgorithms.SaltSize(signature.HashAlgorithm)))
        {
            return false;
        }

        digest.BlockUpdate(signature.Salt, 0, signature.Salt.Length);
        hashSigned(digest);
        digest.BlockUpdate(signature.HashedFields, 0, signature.HashedFields.Length);
        byte[] trailer = signature.Trailer();
        digest.BlockUpdate(trailer, 0, trailer.Length);
        byte[] hash = new byte[digest.GetDigestSize()];
        digest.DoFinal(hash, 0);
        if (((hash[0] << 8) | hash[1]) != signature.Left16)
        {
            return false;
        }

        try
        {
            return VerifyHash(signer, signature, hash);
        }
        catch (Exception e) when (OpenPgpInput.IsLibraryFailure(e))
        {
            // A malformed key or signature (a point off the curve, a short field) does not verify.
            return false;
        }
    }

    private static bool VerifyHash(KeyPacket signer, KeySignature signature, byte[] hash)
    {
        byte[] material = signature.Material;
        switch (signer.Algorithm, signer.Material)
        {
            case (KeyAlgorithm.Rsa or KeyAlgorithm.RsaSignOnly, RsaKeyMaterial rsa):
                return VerifyRsa(rsa, material, signature.HashAlgorithm, hash);
            case (KeyAlgorithm.EdDsaLegacy, EcKeyMaterial ec) when Curves.Ed25519Legacy.Equals(ec.Curve)
                && ec.Point.Length == 33 && ec.Point[0] == 0x40:
            {
                var reader = new BodyReader(material, string.Empty);
                byte[] r = reader.Mpi();
                byte[] s = reader.Mpi();
                return reader.Remaining == 0 && r.Length <= 32 && s.Length <= 32
                    && VerifyEd25519(ec.Point[1..], [.. LeftPad(r, 32), .. LeftPad(s, 32)], hash);
            }

            case (KeyAlgorithm.Ecdsa, EcKeyMaterial ec) when ec.Curve is { } curve && Curves.IsWeierstrass(curve):
            {
                var reader = new BodyReader(material, string.Empty);
                var r = new BigInteger(1, reader.Mpi());
                var s = new BigInteger(1, reader.Mpi());
                ECDomainParameters domain = Curves.Domain(curve);
                var ecdsa = new ECDsaSigner();
                ecdsa.Init(false, new ECPublicKeyParameters(domain.Curve.DecodePoint(ec.Point), domain));
                return reader.Remaining == 0 && ecdsa.VerifySignature(hash, r, s);
            }

            case (KeyAlgorithm.Ed25519, NativeKeyMaterial key):
                return material.Length == 64 && VerifyEd25519(key.Key, material, hash);
            case (KeyAlgorithm.Ed448, NativeKeyMaterial key):
                return material.Length == 114 && VerifyEd448(key.Key, material, hash);
            case (KeyAlgorithm.MlDsa65Ed25519, CompositeKeyMaterial key):
                return material.Length == 64 + 3309
                    && VerifyEd25519(key.Ecc, material[..64], hash)
                    && VerifyMlDsa(MLDsaParameters.ml_dsa_65, key.PostQuantum, material[64..], hash);
            case (KeyAlgorithm.MlDsa87Ed448, CompositeKeyMaterial key):
                return material.Length == 114 + 4627
                    && VerifyEd448(key.Ecc, material[..114], hash)
                    && VerifyMlDsa(MLDsaParameters.ml_dsa_87, key.PostQuantum, material[114..], hash);
            case (KeyAlgorithm.SlhDsaShake128s, NativeKeyMaterial key):
                return VerifySlhDsa(SlhDsaParameters.slh_dsa_shake_128s, key.Key, material, hash);
            case (KeyAlgorithm.SlhDsaShake128f, NativeKeyMaterial key):
                return VerifySlhDsa(SlhDsaParameters.slh_dsa_shake_128f, key.Key, material, hash);
            case (KeyAlgorithm.SlhDsaShake256s, NativeKeyMaterial key):
                return VerifySlhDsa(SlhDsaParameters.slh_dsa_shake_256s, key.Key, material, hash);
            default:
                return false;
        }
    }

    private static bool VerifyRsa(RsaKeyMaterial key, byte[] material, int hashAlgorithm, byte[] hash)
    {
        var reader = new BodyReader(material, string.Empty);
        byte[] signature = reader.Mpi();
        if (reader.Remaining != 0 || HashAlgorithms.DigestInfoPrefix(hashAlgorithm) is not { } prefix)
        {
            return false;
        }

        var rsa = new Pkcs1Encoding(new RsaEngine());
        rsa.Init(false, new RsaKeyParameters(false, new BigInteger(1, key.Modulus), new BigInteger(1, key.Exponent)));
        byte[] recovered = rsa.ProcessBlock(signature, 0, signature.Length);
        return recovered.AsSpan().SequenceEqual([.. prefix, .. hash]);
    }

    private static bool VerifyEd25519(byte[] publicKey, byte[] signature, byte[] hash)
    {
        var signer = new Ed25519Signer();
        signer.Init(false, new Ed25519PublicKeyParameters(publicKey));
        signer.BlockUpdate(hash, 0, hash.Length);
        return signer.VerifySignature(signature);
    }

    private static bool VerifyEd448(byte[] publicKey, byte[] signature, byte[] hash)
    {
        var signer = new Ed448Signer([]);
        signer.Init(false, new Ed448PublicKeyParameters(publicKey));
        signer.BlockUpdate(hash, 0, hash.Length);
        return signer.VerifySignature(signature);
    }

    private static bool VerifyMlDsa(MLDsaParameters parameters, byte[] publicKey, byte[] signature, byte[] hash)
    {
        var signer = new MLDsaSigner(parameters, deterministic: true);
        signer.Init(false, MLDsaPublicKeyParameters.FromEncoding(parameters, publicKey));
        signer.BlockUpdate(hash, 0, hash.Length);
        return signer.VerifySignature(signature);
    }

    private static bool VerifySlhDsa(SlhDsaParameters parameters, byte[] publicKey, byte[] signature, byte[] hash)
    {
        var signer = new SlhDsaSigner(parameters, deterministic: true);
        signer.Init(false, SlhDsaPublicKeyParameters.FromEncoding(parameters, publicKey));
        signer.BlockUpdate(hash, 0, hash.Length);
        return signer.VerifySignature(signature);
    }

    private static byte[] LeftPad(byte[] value, int length) =>
        value.Length >= length ? value : [.. new byte[length - value.Length], .. value];
}

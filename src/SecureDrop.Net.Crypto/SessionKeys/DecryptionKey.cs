using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto.Encodings;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Kems;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Utilities;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// The secret half of one encryption key or subkey, unprotected in memory: opens the PKESK packets addressed to it
/// (v3 and v6, every algorithm <see cref="SessionKeyEncryption"/> writes). Created only after checking that the
/// secret matches the public key, so a key file pairing one key's public half with another's secret is refused.
/// </summary>
/// <remarks>
/// Threat: leaving key material behind. Our copies are cleared on <see cref="Dispose"/>; BouncyCastle's key objects
/// are built per decryption and dropped at once (their arrays and big integers cannot be wiped: best effort).
/// A wrong key, a tampered packet or a failed unwrap all return null — never an exception that would tell them apart.
/// </remarks>
internal sealed class DecryptionKey : IDisposable
{
    private readonly byte[] _material;

    private DecryptionKey(KeyPacket key, byte[] material)
    {
        Key = key;
        _material = material;
    }

    public KeyPacket Key { get; }

    /// <summary>Takes ownership of <paramref name="material"/> (the unprotected secret fields, RFC 9580 §5.5.5).</summary>
    /// <exception cref="CryptoException">Malformed material, an algorithm that cannot decrypt, or a secret that does not match.</exception>
    public static DecryptionKey Create(KeyPacket key, byte[] material)
    {
        var created = new DecryptionKey(key, material);
        bool matches;
        try
        {
            matches = created.MatchesPublicKey();
        }
        catch (Exception e) when (OpenPgpInput.IsLibraryFailure(e) && e is not CryptoException)
        {
            created.Dispose();
            throw new CryptoException(CryptoFailure.Malformed, $"The secret material of the {key.Description} key could not be read: it is malformed, or in a form sdnet does not read.", e);
        }

        if (!matches)
        {
            created.Dispose();
            throw new CryptoException(CryptoFailure.Tampered, "The secret material of the encryption subkey does not match its public key.");
        }

        return created;
    }

    /// <summary>The session key in <paramref name="packet"/>, or null when this key does not open it.</summary>
    /// <param name="seipdCipher">For a v6 packet, the cipher the SEIPD v2 packet names; the packet itself carries none.</param>
    public SessionKey? TryDecrypt(Pkesk packet, int seipdCipher)
    {
        if (packet.Algorithm != Key.Algorithm || (packet.Version == 6 && SymmetricAlgorithms.KeySize(seipdCipher) < 0))
        {
            return null;
        }

        try
        {
            return (Key.Algorithm, Key.Material) switch
            {
                (KeyAlgorithm.Rsa or KeyAlgorithm.RsaEncryptOnly, RsaKeyMaterial rsa) => FromInfo(packet, seipdCipher, Rsa(rsa, packet.Fields)),
                (KeyAlgorithm.Ecdh, EcKeyMaterial ec) => FromInfo(packet, seipdCipher, Ecdh(ec, packet.Fields)),
                (KeyAlgorithm.X25519 or KeyAlgorithm.X448, NativeKeyMaterial key) => Native(packet, seipdCipher, key.Key),
                (KeyAlgorithm.MlKem768X25519 or KeyAlgorithm.MlKem1024X448, CompositeKeyMaterial key) => Composite(packet, seipdCipher, key),
                _ => null,
            };
        }
        catch (Exception e) when (OpenPgpInput.IsLibraryFailure(e))
        {
            return null;
        }
    }

    /// <summary>The unprotected secret fields, for storage; the caller must not keep or alter them.</summary>
    public ReadOnlySpan<byte> Material => _material;

    public void Dispose() => CryptographicOperations.ZeroMemory(_material);

    /// <summary>Session info (RSA, ECDH): v3 starts with the cipher octet; v6 takes the SEIPD v2 packet's cipher.</summary>
    private static SessionKey? FromInfo(Pkesk packet, int seipdCipher, byte[]? info)
    {
        if (info is null)
        {
            return null;
        }

        try
        {
            return packet.Version == 3
                ? SessionKey.FromSessionInfo(info)
                : SessionKey.FromSessionInfo([(byte)seipdCipher, .. info]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(info);
        }
    }

    private byte[]? Rsa(RsaKeyMaterial key, byte[] fields)
    {
        var reader = new BodyReader(_material, "The secret key material is damaged and could not be read.");
        var d = new BigInteger(1, reader.Mpi());
        var p = new BigInteger(1, reader.Mpi());
        var q = new BigInteger(1, reader.Mpi());
        var n = new BigInteger(1, key.Modulus);
        var e = new BigInteger(1, key.Exponent);
        var crt = new RsaPrivateCrtKeyParameters(n, e, d, p, q, d.Mod(p.Subtract(BigInteger.One)), d.Mod(q.Subtract(BigInteger.One)), q.ModInverse(p));
        var input = new BodyReader(fields, string.Empty);
        byte[] encrypted = input.Mpi();
        var rsa = new Pkcs1Encoding(new RsaBlindedEngine());
        rsa.Init(false, crt);
        return rsa.ProcessBlock(encrypted, 0, encrypted.Length);
    }

    private byte[]? Ecdh(EcKeyMaterial ec, byte[] fields)
    {
        var input = new BodyReader(fields, string.Empty);
        byte[] ephemeral = input.Mpi();
        byte[] wrapped = input.LengthPrefixed();
        if (input.Remaining != 0)
        {
            return null;
        }

        byte[] shared = EcdhShared(ec, ephemeral);
        byte[] kek = KeyAgreement.EcdhKek(Key, ec, shared);
        byte[]? padded = null;
        try
        {
            padded = KeyAgreement.Unwrap(kek, wrapped);
            return padded is null ? null : PgpPad.UnpadSessionData(padded);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
            CryptographicOperations.ZeroMemory(kek);
            if (padded is not null)
            {
                CryptographicOperations.ZeroMemory(padded);
            }
        }
    }

    private byte[] EcdhShared(EcKeyMaterial ec, byte[] ephemeral)
    {
        byte[] scalar = new BodyReader(_material, string.Empty).Mpi();
        try
        {
            if (Curves.Curve25519Legacy.Equals(ec.Curve))
            {
                if (ephemeral.Length != 33 || ephemeral[0] != 0x40)
                {
                    throw new CryptoException(CryptoFailure.Malformed, "The ephemeral key is malformed.");
                }

                byte[] shared = new byte[32];
                LegacyX25519Secret(scalar).GenerateSecret(new X25519PublicKeyParameters(ephemeral, 1), shared, 0);
                return shared;
            }

            ECDomainParameters domain = Curves.Domain(ec.Curve!);
            ECPoint point = domain.Curve.DecodePoint(ephemeral).Multiply(new BigInteger(1, scalar)).Normalize();
            return point.IsInfinity
                ? throw new CryptoException(CryptoFailure.Malformed, "The ephemeral key is malformed.")
                : BigIntegers.AsUnsignedByteArray(Curves.FieldOctets(ec.Curve!), point.AffineXCoord.ToBigInteger());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(scalar);
        }
    }

    /// <summary>Curve25519 legacy stores the native little-endian scalar as a big-endian MPI (RFC 9580 §5.5.5.6).</summary>
    private static X25519PrivateKeyParameters LegacyX25519Secret(byte[] mpi)
    {
        byte[] native = new byte[32];
        try
        {
            mpi.AsSpan(Math.Max(0, mpi.Length - 32)).CopyTo(native.AsSpan(32 - Math.Min(32, mpi.Length)));
            native.AsSpan().Reverse();
            return new X25519PrivateKeyParameters(native);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(native);
        }
    }

    private SessionKey? Native(Pkesk packet, int seipdCipher, byte[] recipient)
    {
        int size = recipient.Length;
        var input = new BodyReader(packet.Fields, string.Empty);
        byte[] ephemeral = input.Bytes(size);
        byte[] shared = NativeShared(Key.Algorithm, _material.AsSpan(0, size), ephemeral);
        byte[] kek = KeyAgreement.NativeKek(Key.Algorithm, ephemeral, recipient, shared);
        try
        {
            return Unwrapped(packet, seipdCipher, kek, input);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
            CryptographicOperations.ZeroMemory(kek);
        }
    }

    private SessionKey? Composite(Pkesk packet, int seipdCipher, CompositeKeyMaterial key)
    {
        bool small = Key.Algorithm == KeyAlgorithm.MlKem768X25519;
        int eccSize = key.Ecc.Length;
        MLKemParameters parameters = small ? MLKemParameters.ml_kem_768 : MLKemParameters.ml_kem_1024;
        var decapsulator = new MLKemDecapsulator(parameters);
        var input = new BodyReader(packet.Fields, string.Empty);
        byte[] ecdhCipherText = input.Bytes(eccSize);
        // FIPS 203: ML-KEM-768 and ML-KEM-1024 ciphertexts are 1,088 and 1,568 octets.
        byte[] mlkemCipherText = input.Bytes(small ? 1088 : 1568);
        byte[] ecdhShare = NativeShared(small ? KeyAlgorithm.X25519 : KeyAlgorithm.X448, _material.AsSpan(0, eccSize), ecdhCipherText);
        byte[] seed = _material.AsSpan(eccSize, 64).ToArray();
        byte[] mlkemShare = new byte[32];
        byte[]? kek = null;
        try
        {
            // ML-KEM decapsulation never fails: a wrong key or tampered ciphertext gives an unrelated share (implicit
            // rejection, FIPS 203), and the KEK built from it fails the AES key wrap's integrity check below.
            decapsulator.Init(MLKemPrivateKeyParameters.FromSeed(parameters, seed));
            decapsulator.Decapsulate(mlkemCipherText, mlkemShare);
            kek = KeyAgreement.CombineKem(mlkemShare, ecdhShare, ecdhCipherText, key.Ecc, Key.Algorithm);
            return Unwrapped(packet, seipdCipher, kek, input);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ecdhShare);
            CryptographicOperations.ZeroMemory(seed);
            CryptographicOperations.ZeroMemory(mlkemShare);
            if (kek is not null)
            {
                CryptographicOperations.ZeroMemory(kek);
            }
        }
    }

    /// <summary>The length octet, [v3: the cipher id in the clear], the wrapped key; the key length must fit the cipher.</summary>
    private static SessionKey? Unwrapped(Pkesk packet, int seipdCipher, byte[] kek, BodyReader input)
    {
        byte[] rest = input.LengthPrefixed();
        if (input.Remaining != 0 || (packet.Version == 3 && rest.Length < 1))
        {
            return null;
        }

        int cipher = packet.Version == 3 ? rest[0] : seipdCipher;
        byte[]? key = KeyAgreement.Unwrap(kek, packet.Version == 3 ? rest.AsSpan(1) : rest);
        if (key is null)
        {
            return null;
        }

        try
        {
            return SymmetricAlgorithms.KeySize(cipher) == key.Length ? SessionKey.FromKey(cipher, key) : null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static byte[] NativeShared(int algorithm, ReadOnlySpan<byte> secret, byte[] ephemeral)
    {
        if (algorithm == KeyAlgorithm.X25519)
        {
            byte[] shared = new byte[X25519PrivateKeyParameters.SecretSize];
            new X25519PrivateKeyParameters(secret).GenerateSecret(new X25519PublicKeyParameters(ephemeral), shared, 0);
            return shared;
        }

        byte[] shared448 = new byte[X448PrivateKeyParameters.SecretSize];
        new X448PrivateKeyParameters(secret).GenerateSecret(new X448PublicKeyParameters(ephemeral), shared448, 0);
        return shared448;
    }

    private bool MatchesPublicKey()
    {
        switch (Key.Algorithm, Key.Material)
        {
            case (KeyAlgorithm.Rsa or KeyAlgorithm.RsaEncryptOnly, RsaKeyMaterial rsa):
            {
                var reader = new BodyReader(_material, "The secret key material is damaged and could not be read.");
                reader.Mpi();
                var p = new BigInteger(1, reader.Mpi());
                var q = new BigInteger(1, reader.Mpi());
                reader.Mpi();
                reader.End();
                return p.Multiply(q).Equals(new BigInteger(1, rsa.Modulus));
            }

            case (KeyAlgorithm.Ecdh, EcKeyMaterial ec) when Curves.Curve25519Legacy.Equals(ec.Curve):
            {
                var reader = new BodyReader(_material, "The secret key material is damaged and could not be read.");
                byte[] mpi = reader.Mpi();
                reader.End();
                byte[] expected = LegacyX25519Secret(mpi).GeneratePublicKey().GetEncoded();
                CryptographicOperations.ZeroMemory(mpi);
                return ec.Point.Length == 33 && ec.Point.AsSpan(1).SequenceEqual(expected);
            }

            case (KeyAlgorithm.Ecdh, EcKeyMaterial ec) when ec.Curve is { } curve && Curves.IsWeierstrass(curve):
            {
                var reader = new BodyReader(_material, "The secret key material is damaged and could not be read.");
                var d = new BigInteger(1, reader.Mpi());
                reader.End();
                ECDomainParameters domain = Curves.Domain(curve);
                return domain.G.Multiply(d).Normalize().GetEncoded(false).AsSpan().SequenceEqual(domain.Curve.DecodePoint(ec.Point).GetEncoded(false));
            }

            case (KeyAlgorithm.X25519, NativeKeyMaterial key):
                return _material.Length == 32 && new X25519PrivateKeyParameters(_material).GeneratePublicKey().GetEncoded().AsSpan().SequenceEqual(key.Key);
            case (KeyAlgorithm.X448, NativeKeyMaterial key):
                return _material.Length == 56 && new X448PrivateKeyParameters(_material).GeneratePublicKey().GetEncoded().AsSpan().SequenceEqual(key.Key);
            case (KeyAlgorithm.MlKem768X25519 or KeyAlgorithm.MlKem1024X448, CompositeKeyMaterial key):
                return _material.Length == key.Ecc.Length + 64 && CompositeMatches(key);
            default:
                throw new CryptoException(CryptoFailure.UnsupportedKey, $"A {Key.Description} key cannot decrypt; {KeyAlgorithm.Name(Key.Algorithm)} is not an encryption algorithm we use.");
        }
    }

    private bool CompositeMatches(CompositeKeyMaterial key)
    {
        int eccSize = key.Ecc.Length;
        byte[] ecc = eccSize == 32
            ? new X25519PrivateKeyParameters(_material.AsSpan(0, 32)).GeneratePublicKey().GetEncoded()
            : new X448PrivateKeyParameters(_material.AsSpan(0, 56)).GeneratePublicKey().GetEncoded();
        byte[] seed = _material.AsSpan(eccSize, 64).ToArray();
        try
        {
            MLKemParameters parameters = eccSize == 32 ? MLKemParameters.ml_kem_768 : MLKemParameters.ml_kem_1024;
            byte[] mlkem = MLKemPrivateKeyParameters.FromSeed(parameters, seed).GetPublicKeyEncoded();
            return ecc.AsSpan().SequenceEqual(key.Ecc) && mlkem.AsSpan().SequenceEqual(key.PostQuantum);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }
}

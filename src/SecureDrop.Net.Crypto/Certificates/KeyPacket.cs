using System.Buffers.Binary;
using System.Security.Cryptography;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// A public key or subkey packet of version 4 or 6 (RFC 9580 §5.5.2), or the public part of a secret key packet:
/// version, creation time, algorithm and parsed key material, with the fingerprint and key id it defines.
/// </summary>
/// <remarks>
/// Why our own parser: BouncyCastle 2.7.0's OpenPGP layer throws on every version 6 packet and on algorithm ids
/// 25–36 before any caller can look at the key (docs: FIELD-NOTES.md). Its primitives do the mathematics.
/// </remarks>
internal sealed class KeyPacket
{
    private KeyPacket(int version, DateTime created, int algorithm, KeyMaterial material, byte[] body)
    {
        Version = version;
        Created = created;
        Algorithm = algorithm;
        Material = material;
        Body = body;
        Fingerprint = version == 4 ? Fingerprint4(body) : Fingerprint6(body);
        KeyId = version == 4
            ? BinaryPrimitives.ReadUInt64BigEndian(Fingerprint.AsSpan(Fingerprint.Length - 8))
            : BinaryPrimitives.ReadUInt64BigEndian(Fingerprint);
    }

    public int Version { get; }

    public DateTime Created { get; }

    public int Algorithm { get; }

    public KeyMaterial Material { get; }

    /// <summary>The public key packet body: what fingerprints and signatures hash.</summary>
    public byte[] Body { get; }

    /// <summary>20 octets (v4, SHA-1) or 32 (v6, SHA-256).</summary>
    public byte[] Fingerprint { get; }

    /// <summary>The low 64 bits of a v4 fingerprint, the high 64 bits of a v6 one (RFC 9580 §5.5.4).</summary>
    public ulong KeyId { get; }

    public string FingerprintHex => Convert.ToHexString(Fingerprint);

    /// <summary>"version 6 Ed25519", "version 4 ECDH on NIST P-384": what a refusal names.</summary>
    public string Description => $"version {Version} {AlgorithmDescription}";

    public string AlgorithmDescription => Material is EcKeyMaterial ec
        ? $"{KeyAlgorithm.Name(Algorithm)} on {(ec.Curve is { } curve ? Curves.Name(curve) : "an unknown curve")}"
        : Material is RsaKeyMaterial rsa ? $"RSA {rsa.Bits}" : KeyAlgorithm.Name(Algorithm);

    /// <summary>
    /// Parses the public fields at the start of <paramref name="body"/> (a public or secret key packet body) and
    /// returns how many octets they take.
    /// </summary>
    /// <exception cref="CryptoException">An obsolete or unknown version, or malformed fields.</exception>
    public static KeyPacket Parse(byte[] body, bool secret, out int publicLength)
    {
        const string Malformed = "The data is not a readable OpenPGP key: a key packet is malformed.";
        var reader = new BodyReader(body, Malformed);
        int version = reader.Octet();
        switch (version)
        {
            case 2 or 3:
                throw new CryptoException(CryptoFailure.UnsupportedKey, $"The key is a version {version} key (PGP 2.x, obsolete since 1998); make a current key (version 4 or 6).");
            case 5:
                throw new CryptoException(CryptoFailure.UnsupportedKey,
                    "The key is a version 5 key (LibrePGP, 'gpg --full-gen-key' with the rfc4880bis option), which OpenPGP (RFC 9580) does not define; use a version 4 key (gpg's default) or a version 6 key.");
            case not (4 or 6):
                throw new CryptoException(CryptoFailure.UnsupportedKey, $"The key is an OpenPGP key of unknown version {version}; use a version 4 or version 6 key.");
        }

        DateTime created = DateTime.UnixEpoch.AddSeconds(reader.UInt32());
        int algorithm = reader.Octet();
        KeyMaterial material;
        if (version == 6)
        {
            long length = reader.UInt32();
            if (length > reader.Remaining)
            {
                throw new CryptoException(CryptoFailure.Malformed, Malformed);
            }

            var fields = new BodyReader(reader.Bytes((int)length), Malformed);
            material = ReadMaterial(fields, algorithm, canTakeRest: true);
            fields.End();
        }
        else
        {
            material = ReadMaterial(reader, algorithm, canTakeRest: !secret);
        }

        publicLength = reader.Position;
        return new KeyPacket(version, created, algorithm, material, body[..publicLength]);
    }

    private static KeyMaterial ReadMaterial(BodyReader reader, int algorithm, bool canTakeRest)
    {
        if (FixedLengths.PublicKey(algorithm) is { } fixedLength)
        {
            byte[] ecc = reader.Bytes(fixedLength.Ecc);
            return fixedLength.PostQuantum == 0
                ? new NativeKeyMaterial(ecc)
                : new CompositeKeyMaterial(ecc, reader.Bytes(fixedLength.PostQuantum));
        }

        switch (algorithm)
        {
            case KeyAlgorithm.Rsa or KeyAlgorithm.RsaEncryptOnly or KeyAlgorithm.RsaSignOnly:
                return new RsaKeyMaterial(reader.Mpi(), reader.Mpi());
            case KeyAlgorithm.Dsa:
                return Opaque(reader, 4);
            case KeyAlgorithm.ElGamal or KeyAlgorithm.ElGamalEncryptOnly:
                return Opaque(reader, 3);
            case KeyAlgorithm.Ecdsa or KeyAlgorithm.EdDsaLegacy:
            {
                byte[] oid = reader.LengthPrefixed();
                return new EcKeyMaterial(Curves.FromEncoded(oid), oid, reader.Mpi());
            }

            case KeyAlgorithm.Ecdh:
            {
                byte[] oid = reader.LengthPrefixed();
                byte[] point = reader.Mpi();
                byte[] kdf = reader.LengthPrefixed();
                return kdf.Length == 3 && kdf[0] == 1
                    ? new EcKeyMaterial(Curves.FromEncoded(oid), oid, point, kdf[1], kdf[2])
                    : throw new CryptoException(CryptoFailure.UnsupportedKey, "The key's ECDH subkey has KDF parameters of a version sdnet does not read (RFC 9580 defines version 1 only); use a key made by gpg, Sequoia or OpenPGP.js.");
            }

            default:
                return canTakeRest
                    ? new OpaqueKeyMaterial(reader.Rest())
                    : throw new CryptoException(CryptoFailure.UnsupportedKey,
                        $"The key uses public-key algorithm {algorithm}, which is unknown here; use RSA (3072 bits or more), Curve25519, Curve448, NIST or brainpool curves, or ML-KEM.");
        }
    }

    private static OpaqueKeyMaterial Opaque(BodyReader reader, int mpis)
    {
        int start = reader.Position;
        for (int i = 0; i < mpis; i++)
        {
            reader.EncodedMpi();
        }

        return new OpaqueKeyMaterial(reader.Body[start..reader.Position]);
    }

    /// <summary>What a v4 signature hashes for a key: 0x99, a two-octet length, the body (RFC 9580 §5.2.4).</summary>
    public static byte[] HashPrefix4(int length) => [0x99, (byte)(length >> 8), (byte)length];

    /// <summary>What a v6 signature hashes for a key: 0x9B, a four-octet length, the body.</summary>
    public static byte[] HashPrefix6(int length) => [0x9B, (byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length];

    private static byte[] Fingerprint4(byte[] body)
    {
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        sha1.AppendData(HashPrefix4(body.Length));
        sha1.AppendData(body);
        return sha1.GetHashAndReset();
    }

    private static byte[] Fingerprint6(byte[] body)
    {
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha256.AppendData(HashPrefix6(body.Length));
        sha256.AppendData(body);
        return sha256.GetHashAndReset();
    }
}

using System.Buffers.Binary;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// A version 4 or 6 signature packet (RFC 9580 §5.2.3): the fields a signature hashes, the subpackets this library
/// reads, and the algorithm-specific signature octets. Version 3 signatures are recognised and never verify.
/// </summary>
internal sealed class KeySignature
{
    public const int SubkeyBinding = 0x18;
    public const int DirectKey = 0x1F;
    public const int KeyRevocation = 0x20;
    public const int SubkeyRevocation = 0x28;
    public const int CertificationRevocation = 0x30;

    // Subpacket types this library understands (RFC 9580 §5.2.3.7); a critical one of any other type voids the signature.
    private static readonly int[] KnownSubpackets = [2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 16, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 37, 39];

    private KeySignature()
    {
    }

    public int Version { get; private init; }

    public int Type { get; private init; }

    public int KeyAlgorithm { get; private init; }

    public int HashAlgorithm { get; private init; }

    /// <summary>Version through the hashed subpackets: the octets the trailer counts.</summary>
    public byte[] HashedFields { get; private init; } = [];

    public byte[] Salt { get; private init; } = [];

    public int Left16 { get; private init; }

    /// <summary>The algorithm-specific signature fields.</summary>
    public byte[] Material { get; private init; } = [];

    public DateTime Created { get; private init; }

    /// <summary>Seconds after the key's creation at which it expires; 0 for never.</summary>
    public long KeyExpirationSeconds { get; private init; }

    /// <summary>The first key flags octet (RFC 9580 §5.2.3.29); 0 when none is stated.</summary>
    public int KeyFlags { get; private init; }

    /// <summary>The first features octet (§5.2.3.32); 0x01 is SEIPD v1, 0x08 SEIPD v2.</summary>
    public int Features { get; private init; }

    public bool IsPrimaryUserId { get; private init; }

    /// <summary>A hashed subpacket we do not understand is marked critical: the signature must be treated as invalid.</summary>
    public bool HasUnknownCritical { get; private init; }

    public static KeySignature Parse(byte[] body)
    {
        const string Malformed = "The data is not a readable OpenPGP key: a signature packet is malformed.";
        var reader = new BodyReader(body, Malformed);
        int version = reader.Octet();
        if (version is not (4 or 6))
        {
            // Version 3 signatures (and unknown versions) are kept as packets but never count as valid.
            return new KeySignature { Version = version };
        }

        int type = reader.Octet();
        int keyAlgorithm = reader.Octet();
        int hashAlgorithm = reader.Octet();
        int hashedLength = version == 4 ? reader.UInt16() : (int)Math.Min(reader.UInt32(), int.MaxValue);
        byte[] hashed = reader.Bytes(hashedLength);
        byte[] hashedFields = body[..reader.Position];
        int unhashedLength = version == 4 ? reader.UInt16() : (int)Math.Min(reader.UInt32(), int.MaxValue);
        reader.Bytes(unhashedLength);
        int left16 = reader.UInt16();
        byte[] salt = version == 6 ? reader.LengthPrefixed() : [];
        byte[] material = reader.Rest();

        var parsed = new ParsedSubpackets();
        ReadSubpackets(hashed, parsed, Malformed);
        return new KeySignature
        {
            Version = version,
            Type = type,
            KeyAlgorithm = keyAlgorithm,
            HashAlgorithm = hashAlgorithm,
            HashedFields = hashedFields,
            Salt = salt,
            Left16 = left16,
            Material = material,
            Created = parsed.Created,
            KeyExpirationSeconds = parsed.KeyExpiration,
            KeyFlags = parsed.KeyFlags,
            Features = parsed.Features,
            IsPrimaryUserId = parsed.PrimaryUserId,
            HasUnknownCritical = parsed.UnknownCritical,
        };
    }

    /// <summary>The six-octet (v4) or six-octet v6 trailer that ends the hashed data (RFC 9580 §5.2.4).</summary>
    public byte[] Trailer()
    {
        byte[] trailer = [(byte)Version, 0xFF, 0, 0, 0, 0];
        BinaryPrimitives.WriteInt32BigEndian(trailer.AsSpan(2), HashedFields.Length);
        return trailer;
    }

    private static void ReadSubpackets(byte[] area, ParsedSubpackets parsed, string malformed)
    {
        var reader = new BodyReader(area, malformed);
        bool sawCreation = false;
        while (reader.Remaining > 0)
        {
            int first = reader.Octet();
            long length = first < 192 ? first
                : first < 255 ? ((first - 192) << 8) + reader.Octet() + 192
                : reader.UInt32();
            if (length < 1 || length > reader.Remaining)
            {
                throw new CryptoException(CryptoFailure.Malformed, malformed);
            }

            int typeOctet = reader.Octet();
            byte[] data = reader.Bytes((int)length - 1);
            int type = typeOctet & 0x7F;
            bool critical = (typeOctet & 0x80) != 0;
            switch (type)
            {
                case 2 when data.Length == 4 && !sawCreation:
                    sawCreation = true;
                    parsed.Created = DateTime.UnixEpoch.AddSeconds(BinaryPrimitives.ReadUInt32BigEndian(data));
                    break;
                case 9 when data.Length == 4:
                    parsed.KeyExpiration = BinaryPrimitives.ReadUInt32BigEndian(data);
                    break;
                case 25 when data.Length == 1:
                    parsed.PrimaryUserId = data[0] != 0;
                    break;
                case 27 when data.Length >= 1:
                    parsed.KeyFlags = data[0];
                    break;
                case 30 when data.Length >= 1:
                    parsed.Features = data[0];
                    break;
                default:
                    parsed.UnknownCritical |= critical && !KnownSubpackets.Contains(type);
                    break;
            }
        }
    }

    private sealed class ParsedSubpackets
    {
        public DateTime Created { get; set; }

        public long KeyExpiration { get; set; }

        public int KeyFlags { get; set; }

        public int Features { get; set; }

        public bool PrimaryUserId { get; set; }

        public bool UnknownCritical { get; set; }
    }
}

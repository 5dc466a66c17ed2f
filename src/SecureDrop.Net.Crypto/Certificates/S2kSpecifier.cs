namespace SecureDrop.Net.Crypto;

/// <summary>
/// A string-to-key specifier (RFC 9580 §3.7): simple, salted, iterated and salted, Argon2, or gpg's extension 101
/// (a stub: no secret here). Parsing only; deriving keys is <c>S2kDerivation</c>'s.
/// </summary>
internal sealed class S2kSpecifier
{
    public const int Simple = 0;
    public const int Salted = 1;
    public const int IteratedSalted = 3;
    public const int Argon2 = 4;
    public const int GnuExtension = 101;

    private S2kSpecifier(int type)
    {
        Type = type;
    }

    public int Type { get; }

    public int HashAlgorithm { get; private init; }

    public byte[] Salt { get; private init; } = [];

    /// <summary>The coded iteration count octet of type 3.</summary>
    public int CodedCount { get; private init; }

    /// <summary>Argon2 passes (t), lanes (p) and memory exponent (m = 2^exponent KiB).</summary>
    public int Passes { get; private init; }

    public int Parallelism { get; private init; }

    public int MemoryExponent { get; private init; }

    /// <summary>Octets hashed by an iterated and salted S2K: (16 + (c &amp; 15)) &lt;&lt; ((c &gt;&gt; 4) + 6).</summary>
    public long IterationOctets => (16L + (CodedCount & 15)) << ((CodedCount >> 4) + 6);

    /// <param name="reader">Positioned at the type octet.</param>
    /// <param name="delimited">The reader holds exactly this specifier (v6 secret keys count its octets), so an
    /// unknown type can be carried and refused later; otherwise an unknown type cannot be skipped.</param>
    public static S2kSpecifier Parse(BodyReader reader, bool delimited)
    {
        int type = reader.Octet();
        var specifier = type switch
        {
            Simple => new S2kSpecifier(type) { HashAlgorithm = reader.Octet() },
            Salted => new S2kSpecifier(type) { HashAlgorithm = reader.Octet(), Salt = reader.Bytes(8) },
            IteratedSalted => new S2kSpecifier(type) { HashAlgorithm = reader.Octet(), Salt = reader.Bytes(8), CodedCount = reader.Octet() },
            Argon2 => new S2kSpecifier(type)
            {
                Salt = reader.Bytes(16),
                Passes = reader.Octet(),
                Parallelism = reader.Octet(),
                MemoryExponent = reader.Octet(),
            },
            GnuExtension => ReadGnu(reader),
            _ when delimited => new S2kSpecifier(type),
            _ => throw new CryptoException(CryptoFailure.UnsupportedKey, $"The secret key is protected with an S2K method of type {type}, which is not supported; re-export it with a current tool."),
        };
        if (delimited && type is Simple or Salted or IteratedSalted or Argon2)
        {
            reader.End();
        }

        return specifier;
    }

    /// <summary>Type 101: a hash octet, "GNU", then the mode (1: no secret, 2: on a smartcard, then its serial number).</summary>
    private static S2kSpecifier ReadGnu(BodyReader reader)
    {
        int hash = reader.Octet();
        ReadOnlySpan<byte> magic = reader.Span(3);
        return magic.SequenceEqual("GNU"u8)
            ? new S2kSpecifier(GnuExtension) { HashAlgorithm = hash }
            : throw new CryptoException(CryptoFailure.Malformed, "The data is not a readable OpenPGP key: an S2K extension is malformed.");
    }

    /// <summary>The specifier's encoding (for writing a key we protect ourselves).</summary>
    public byte[] Encode() => Type switch
    {
        Argon2 => [Argon2, .. Salt, (byte)Passes, (byte)Parallelism, (byte)MemoryExponent],
        IteratedSalted => [IteratedSalted, (byte)HashAlgorithm, .. Salt, (byte)CodedCount],
        _ => throw new InvalidOperationException("Only Argon2 and iterated S2K specifiers are written here."),
    };

    public static S2kSpecifier NewArgon2(byte[] salt, int passes, int parallelism, int memoryExponent) =>
        new(Argon2) { Salt = salt, Passes = passes, Parallelism = parallelism, MemoryExponent = memoryExponent };
}

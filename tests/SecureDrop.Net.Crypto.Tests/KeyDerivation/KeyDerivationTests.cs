namespace SecureDrop.Net.Crypto.Tests.KeyDerivation;

public sealed class KeyDerivationTests
{
    private static readonly byte[] Salt = Enumerable.Repeat((byte)0x5A, 16).ToArray();

    /// <summary>RFC 9106 §5.3: Argon2id, version 0x13, through the function <see cref="Crypto.KeyDerivation"/> uses.</summary>
    [Fact]
    public void Argon2id_Rfc9106KnownAnswer()
    {
        byte[] tag = new byte[32];

        Argon2id.Derive(
            password: Enumerable.Repeat((byte)0x01, 32).ToArray(),
            salt: Enumerable.Repeat((byte)0x02, 16).ToArray(),
            secret: Enumerable.Repeat((byte)0x03, 8).ToArray(),
            associatedData: Enumerable.Repeat((byte)0x04, 12).ToArray(),
            iterations: 3,
            memoryKiB: 32,
            parallelism: 4,
            tag);

        Assert.Equal("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659", Convert.ToHexStringLower(tag));
    }

    [Fact]
    public void DeriveKey_UsesProductionParametersAndPurposeAsAssociatedData()
    {
        byte[] secret = Encoding.UTF8.GetBytes("abacus abdomen abdominal abide abiding ability ablaze");
        byte[] derived = new byte[32];
        byte[] expected = new byte[32];

        Crypto.KeyDerivation.DeriveKey(secret, Salt, KeyDerivationPurpose.SourceLookup, derived);
        Argon2id.Derive(secret, Salt, [], "SourceLookup"u8, iterations: 3, memoryKiB: 65536, parallelism: 1, expected);

        Assert.Equal(expected, derived);
        Assert.Equal(65536, Crypto.KeyDerivation.MemoryKiB);
        Assert.Equal(3, Crypto.KeyDerivation.Iterations);
        Assert.Equal(1, Crypto.KeyDerivation.Parallelism);
        Assert.Equal(32, Crypto.KeyDerivation.OutputBytes);
    }

    /// <summary>The reply key's wrapping key: same parameters, its own purpose name, pinned so a change is seen.</summary>
    [Fact]
    public void DeriveKey_SourceReplyKey_UsesProductionParametersAndItsPurposeName()
    {
        byte[] secret = Encoding.UTF8.GetBytes("abacus abdomen abdominal abide abiding ability ablaze");
        byte[] derived = new byte[32];
        byte[] expected = new byte[32];

        Crypto.KeyDerivation.DeriveKey(secret, Salt, KeyDerivationPurpose.SourceReplyKey, derived);
        Argon2id.Derive(secret, Salt, [], "SourceReplyKey"u8, iterations: 3, memoryKiB: 65536, parallelism: 1, expected);

        Assert.Equal(expected, derived);
        Assert.Equal("SourceReplyKey", nameof(KeyDerivationPurpose.SourceReplyKey));
    }

    [Fact]
    public void DeriveKey_DifferentPurposes_GiveDifferentKeys()
    {
        byte[] secret = Encoding.UTF8.GetBytes("same codename");
        byte[] lookup = new byte[32];
        byte[] replyKey = new byte[32];

        Crypto.KeyDerivation.DeriveKey(secret, Salt, KeyDerivationPurpose.SourceLookup, lookup);
        Crypto.KeyDerivation.DeriveKey(secret, Salt, KeyDerivationPurpose.SourceReplyKey, replyKey);

        Assert.NotEqual(lookup, replyKey);

        // Every purpose is bound in by name, so distinct names are what keeps all derivations apart.
        string[] names = Enum.GetNames<KeyDerivationPurpose>();
        Assert.Equal(names.Length, names.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData(15, 32)]
    [InlineData(16, 31)]
    [InlineData(16, 64)]
    public void DeriveKey_ShortSaltOrWrongOutputLength_ThrowsArgumentException(int saltLength, int outputLength)
    {
        Assert.Throws<ArgumentException>(() =>
            Crypto.KeyDerivation.DeriveKey([1, 2, 3], new byte[saltLength], KeyDerivationPurpose.RecoveryKey, new byte[outputLength]));
    }
}

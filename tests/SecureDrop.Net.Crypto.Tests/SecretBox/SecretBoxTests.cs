using System.Security.Cryptography;

namespace SecureDrop.Net.Crypto.Tests.SecretBox;

public sealed class SecretBoxTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] Plaintext = "the vault key"u8.ToArray();
    private static readonly byte[] AssociatedData = "journalist:42/vault-key"u8.ToArray();

    [Fact]
    public void SealOpen_RoundTrips_WithDocumentedLayout()
    {
        byte[] sealedData = Crypto.SecretBox.Seal(Key, Plaintext, AssociatedData);

        Assert.Equal(1 + 12 + Plaintext.Length + 16, sealedData.Length);
        Assert.Equal(1, sealedData[0]);
        Assert.Equal(Plaintext, Crypto.SecretBox.Open(Key, sealedData, AssociatedData));
    }

    [Fact]
    public void SealOpen_EmptyPlaintextAndAssociatedData_RoundTrips()
    {
        Assert.Empty(Crypto.SecretBox.Open(Key, Crypto.SecretBox.Seal(Key, [], []), []));
    }

    [Fact]
    public void Seal_Twice_UsesFreshNonces()
    {
        Assert.NotEqual(Crypto.SecretBox.Seal(Key, Plaintext, AssociatedData), Crypto.SecretBox.Seal(Key, Plaintext, AssociatedData));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(13)]
    [InlineData(-1)]
    public void Open_FlippedByte_ThrowsCryptoException(int index)
    {
        byte[] sealedData = Crypto.SecretBox.Seal(Key, Plaintext, AssociatedData);
        sealedData[index < 0 ? sealedData.Length + index : index] ^= 0x01;

        AssertRefused(() => Crypto.SecretBox.Open(Key, sealedData, AssociatedData));
    }

    [Fact]
    public void Open_WrongKey_ThrowsCryptoException()
    {
        byte[] sealedData = Crypto.SecretBox.Seal(Key, Plaintext, AssociatedData);

        AssertRefused(() => Crypto.SecretBox.Open(RandomNumberGenerator.GetBytes(32), sealedData, AssociatedData));
    }

    [Fact]
    public void Open_WrongAssociatedData_ThrowsCryptoException()
    {
        byte[] sealedData = Crypto.SecretBox.Seal(Key, Plaintext, AssociatedData);

        AssertRefused(() => Crypto.SecretBox.Open(Key, sealedData, "journalist:43/vault-key"u8));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(28)]
    public void Open_Truncated_ThrowsCryptoException(int bytesRemoved)
    {
        byte[] sealedData = Crypto.SecretBox.Seal(Key, Plaintext, AssociatedData);

        AssertRefused(() => Crypto.SecretBox.Open(Key, sealedData.AsSpan(0, sealedData.Length - bytesRemoved), AssociatedData));
    }

    [Fact]
    public void Open_ShortKey_ThrowsCryptoException()
    {
        byte[] sealedData = Crypto.SecretBox.Seal(Key, Plaintext, AssociatedData);

        AssertRefused(() => Crypto.SecretBox.Open(Key.AsSpan(0, 16), sealedData, AssociatedData));
    }

    [Fact]
    public void Seal_ShortKey_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => Crypto.SecretBox.Seal(new byte[16], Plaintext, AssociatedData));
    }

    private static void AssertRefused(Action open)
    {
        var error = Assert.Throws<CryptoException>(open);
        Assert.Contains("could not be opened: wrong key or altered data", error.Message, StringComparison.Ordinal);
        Assert.Equal(CryptoFailure.WrongKeyOrAltered, error.Reason);
    }
}

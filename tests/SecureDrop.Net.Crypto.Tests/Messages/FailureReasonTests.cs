namespace SecureDrop.Net.Crypto.Tests.Messages;

/// <summary>
/// The reason codes callers decide by: what this program does not implement is never reported as the person's
/// mistake or as damage, and a message refused on purpose is told apart from one that does not parse.
/// </summary>
public sealed class FailureReasonTests
{
    [Fact]
    public void Parse_Version5Key_IsUnsupported_NotMalformed()
    {
        using NewsroomSecretKey key = TestData.NewKey();
        byte[] binary = key.PublicKey.ToBinary();
        int version = FirstPacket(binary).BodyStart;
        Assert.Equal(4, binary[version]);
        binary[version] = 5;

        var error = Assert.Throws<CryptoException>(() => NewsroomPublicKey.Parse(binary));

        Assert.Equal(CryptoFailure.UnsupportedKey, error.Reason);
        Assert.Contains("version 5", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0xC9, CryptoFailure.MessageRefused, "no integrity protection")]
    [InlineData(0xD4, CryptoFailure.UnsupportedMessage, "draft AEAD")]
    [InlineData(0xCB, CryptoFailure.Malformed, "not an OpenPGP encrypted message")]
    public void Decrypt_PacketInPlaceOfEncryptedData_SaysWhy(int header, CryptoFailure reason, string said)
    {
        using NewsroomSecretKey key = TestData.NewKey();
        byte[] message = [(byte)header, 5, 1, 2, 3, 4, 5];

        var error = Assert.Throws<CryptoException>(() => TestData.Decrypt(key, message));

        Assert.Equal(reason, error.Reason);
        Assert.Contains(said, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decrypt_SessionKeyPacketsOnly_IsTruncated()
    {
        using NewsroomSecretKey key = TestData.NewKey();
        byte[] message = TestData.Encrypt(key.PublicKey, TestData.RandomBytes(100));
        (int start, int length) = FirstPacket(message);
        int payload = start + length;

        var error = Assert.Throws<CryptoException>(() => TestData.Decrypt(key, message[..payload]));

        Assert.Equal(CryptoFailure.Truncated, error.Reason);
    }

    /// <summary>Where the first packet's body starts and how long it is (RFC 9580 §4.2, fixed lengths only).</summary>
    private static (int BodyStart, int BodyLength) FirstPacket(byte[] packets)
    {
        if ((packets[0] & 0x40) == 0)
        {
            return (packets[0] & 0x03) switch
            {
                0 => (2, packets[1]),
                1 => (3, (packets[1] << 8) | packets[2]),
                _ => throw new InvalidOperationException("a one- or two-octet old-format length was expected"),
            };
        }

        return packets[1] < 192
            ? (2, packets[1])
            : (3, ((packets[1] - 192) << 8) + packets[2] + 192);
    }
}

namespace SecureDrop.Net.Crypto.Tests.Messages;

/// <summary>
/// Inner packets shaped by hand (old and new packet formats, partial lengths, bodies cut short): the literal packet
/// at the start of the payload is parsed by our own code, which must read every valid shape and refuse the rest.
/// </summary>
public sealed class InnerPacketTests
{
    private static readonly byte[] Data = TestData.RandomBytes(3000);

    // "b", name "x.bin", date 0: the literal body's header.
    private static readonly byte[] LiteralHeader = [(byte)'b', 5, (byte)'x', (byte)'.', (byte)'b', (byte)'i', (byte)'n', 0, 0, 0, 0];

    private static byte[] LiteralBody => [.. LiteralHeader, .. Data];

    [Fact]
    public void Decrypt_OldFormatLiteralWithFourOctetLength_ReturnsDataAndName()
    {
        byte[] body = LiteralBody;
        byte[] inner = [0xAE, (byte)(body.Length >> 24), (byte)(body.Length >> 16), (byte)(body.Length >> 8), (byte)body.Length, .. body];

        AssertDecrypts(inner);
    }

    [Fact]
    public void Decrypt_OldFormatLiteralWithTwoOctetLength_ReturnsDataAndName()
    {
        byte[] body = LiteralBody;
        AssertDecrypts([0xAD, (byte)(body.Length >> 8), (byte)body.Length, .. body]);
    }

    [Fact]
    public void Decrypt_NewFormatLiteralWithFiveOctetLength_ReturnsDataAndName()
    {
        byte[] body = LiteralBody;
        AssertDecrypts([0xCB, 0xFF, 0, 0, (byte)(body.Length >> 8), (byte)body.Length, .. body]);
    }

    [Fact]
    public void Decrypt_PartialLengthsSplittingTheLiteralHeader_ReturnsDataAndName()
    {
        // Pieces of 2, 8 and 2048 octets (0xE1, 0xE3, 0xEB), then the rest with a two-octet length.
        byte[] body = LiteralBody;
        int rest = body.Length - 2 - 8 - 2048;
        byte[] inner =
        [
            0xCB, 0xE1, .. body[..2], 0xE3, .. body[2..10], 0xEB, .. body[10..2058],
            (byte)(((rest - 192) >> 8) + 192), (byte)(rest - 192), .. body[2058..],
        ];

        AssertDecrypts(inner);
    }

    [Fact]
    public void Decrypt_LiteralLongerThanThePayload_ThrowsCryptoException()
    {
        byte[] body = LiteralBody;
        int stated = body.Length + 100;
        AssertRefused([0xAE, (byte)(stated >> 24), (byte)(stated >> 16), (byte)(stated >> 8), (byte)stated, .. body]);
    }

    [Fact]
    public void Decrypt_LiteralHeaderCutShort_ThrowsCryptoException() => AssertRefused([0xCB, 4, .. LiteralHeader[..4]]);

    [Fact]
    public void Decrypt_PartialLengthsWithoutALastPiece_ThrowsCryptoException() =>
        AssertRefused([0xCB, 0xE4, .. LiteralBody[..16]]);

    [Fact]
    public void Decrypt_TwoLiteralPackets_ThrowsCryptoException()
    {
        byte[] body = LiteralBody;
        byte[] one = [0xCB, 0xFF, 0, 0, (byte)(body.Length >> 8), (byte)body.Length, .. body];
        AssertRefused([.. one, .. one]);
    }

    [Fact]
    public void Decrypt_LiteralFollowedByKeyPacket_ThrowsCryptoException()
    {
        byte[] body = LiteralBody;
        AssertRefused([0xCB, 0xFF, 0, 0, (byte)(body.Length >> 8), (byte)body.Length, .. body, 0xCE, 3, 1, 2, 3]);
    }

    private static void AssertDecrypts(byte[] inner)
    {
        using NewsroomSecretKey key = TestData.NewKey();
        (byte[] plaintext, string fileName) = TestData.Decrypt(key, EncryptInner(key.PublicKey, inner));

        Assert.Equal("x.bin", fileName);
        Assert.Equal(Data, plaintext);
    }

    private static void AssertRefused(byte[] inner)
    {
        using NewsroomSecretKey key = TestData.NewKey();
        byte[] message = EncryptInner(key.PublicKey, inner);

        Assert.Throws<CryptoException>(() => TestData.Decrypt(key, message));
    }

    /// <summary>A message to <paramref name="recipient"/> whose decrypted payload (before the MDC) is <paramref name="inner"/>.</summary>
    internal static byte[] EncryptInner(NewsroomPublicKey recipient, byte[] inner)
    {
        using SessionKey session = SessionKey.NewAes256();
        using var output = new MemoryStream();
        output.Write(SessionKeyEncryption.Encrypt(recipient.EncryptionKey, session, 3));
        using (var seipd = new SeipdWriter(CfbCipher.Create(session), bytes => output.Write(bytes)))
        {
            seipd.Write(inner);
            seipd.Finish();
        }

        return output.ToArray();
    }
}

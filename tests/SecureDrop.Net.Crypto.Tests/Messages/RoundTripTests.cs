namespace SecureDrop.Net.Crypto.Tests.Messages;

public sealed class RoundTripTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(65536)]
    [InlineData(5 * 1024 * 1024)]
    public void EncryptDecrypt_RoundTripsBytesAndFileName(int length)
    {
        using NewsroomSecretKey key = TestData.NewKey();
        byte[] plaintext = TestData.RandomBytes(length);

        byte[] message = TestData.Encrypt(key.PublicKey, plaintext, "Quarterly report (draft) – ünïcödé.pdf");
        TestData.AssertDecrypts(key, message, plaintext, "Quarterly report (draft) – ünïcödé.pdf");
    }

    [Fact]
    public async Task Encrypt_AsyncWritesAndDisposeAsync_RoundTrip()
    {
        using NewsroomSecretKey key = TestData.NewKey();
        byte[] plaintext = TestData.RandomBytes(200_000);
        using var output = new MemoryStream();

        await using (Stream encrypting = MessageEncryptor.Open(output, key.PublicKey, "async.bin"))
        {
            await encrypting.WriteAsync(plaintext.AsMemory(0, 100_000));
            await encrypting.WriteAsync(plaintext.AsMemory(100_000));
        }

        Assert.True(output.CanWrite, "the output stream must stay open");
        Assert.Equal(plaintext, TestData.Decrypt(key, output.ToArray()).Plaintext);
    }

    [Fact]
    public void Encrypt_ToParsedPublicKey_DecryptsWithSecretKey()
    {
        using NewsroomSecretKey key = TestData.NewKey();
        NewsroomPublicKey frontEndKey = NewsroomPublicKey.Parse(key.PublicKey.ToBinary());

        byte[] message = TestData.Encrypt(frontEndKey, [42]);

        Assert.Equal([42], TestData.Decrypt(key, message).Plaintext);
    }

    [Fact]
    public void Encrypt_SamePlaintextTwice_GivesDifferentCiphertexts()
    {
        using NewsroomSecretKey key = TestData.NewKey();

        Assert.NotEqual(TestData.Encrypt(key.PublicKey, [1, 2, 3]), TestData.Encrypt(key.PublicKey, [1, 2, 3]));
    }

    [Fact]
    public void Open_FileNameOver255Bytes_ThrowsArgumentException()
    {
        using NewsroomSecretKey key = TestData.NewKey();

        Assert.Throws<ArgumentException>(() => MessageEncryptor.Open(Stream.Null, key.PublicKey, new string('é', 128)));
    }

    [Fact]
    public void ReadRecipientKeyIds_OurMessage_ReturnsEncryptionKeyId()
    {
        using NewsroomSecretKey key = TestData.NewKey();
        using var message = new MemoryStream(TestData.Encrypt(key.PublicKey, TestData.RandomBytes(100_000)));

        IReadOnlyList<ulong> recipients = MessageDecryptor.ReadRecipientKeyIds(message);

        Assert.Equal([key.PublicKey.EncryptionKeyId], recipients);
        Assert.True(message.Position < 1000, "only the session key packets should have been read");
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 1, 2, 3, 4, 5 })]
    [InlineData(new byte[] { 0xC6, 0x03, 0x04, 0x00, 0x00 })]
    public void ReadRecipientKeyIds_NotAnEncryptedMessage_ThrowsCryptoException(byte[] data)
    {
        Assert.Throws<CryptoException>(() => MessageDecryptor.ReadRecipientKeyIds(new MemoryStream(data)));
    }

    [Fact]
    public void ReadRecipientKeyIds_PublicKey_ThrowsCryptoException()
    {
        using NewsroomSecretKey key = TestData.NewKey();

        Assert.Throws<CryptoException>(() => MessageDecryptor.ReadRecipientKeyIds(new MemoryStream(key.PublicKey.ToBinary())));
    }
}

namespace SecureDrop.Net.Crypto.Tests.Messages;

public sealed class MultiRecipientTests
{
    [Fact]
    public void Encrypt_ToNewsroomAndReplyKey_EachDecryptsAlone()
    {
        using NewsroomSecretKey newsroom = TestData.NewKey();
        using NewsroomSecretKey reply = TestData.NewKey("source reply key");
        byte[] plaintext = TestData.RandomBytes(200_000);

        byte[] message = TestData.Encrypt([newsroom.PublicKey, reply.PublicKey], plaintext, "reply.txt");

        Assert.Equal(
            [newsroom.PublicKey.EncryptionKeyId, reply.PublicKey.EncryptionKeyId],
            MessageDecryptor.ReadRecipientKeyIds(new MemoryStream(message)));
        foreach (NewsroomSecretKey key in new[] { newsroom, reply })
        {
            TestData.AssertDecrypts(key, message, plaintext, "reply.txt");
        }
    }

    [Fact]
    public void Encrypt_ToGeneratedRsaAndCurve25519Keys_EachDecrypts()
    {
        using NewsroomSecretKey rsa = NewsroomSecretKey.FromStorageBytes(SharedKeys.Rsa4096StorageBytes);
        using NewsroomSecretKey curve = TestData.NewKey();

        byte[] message = TestData.Encrypt([rsa.PublicKey, curve.PublicKey], [42]);

        Assert.Equal([42], TestData.Decrypt(rsa, message).Plaintext);
        Assert.Equal([42], TestData.Decrypt(curve, message).Plaintext);
    }

    [Fact]
    public void Open_NoRecipients_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => MessageEncryptor.Open(new MemoryStream(), [], "x"));
    }

    [Fact]
    public void Open_SameRecipientTwice_ThrowsArgumentException()
    {
        using NewsroomSecretKey key = TestData.NewKey();

        Assert.Throws<ArgumentException>(() => MessageEncryptor.Open(new MemoryStream(), [key.PublicKey, key.PublicKey], "x"));
    }
}

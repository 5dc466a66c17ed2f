namespace SecureDrop.Net.Crypto.Tests.Replies;

public sealed class SourceReplyKeyTests
{
    private static readonly byte[] WrappingKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] Binding = "source-reply-key:abc"u8.ToArray();

    [Fact]
    public void Reply_ToSourceAndNewsroom_EachDecryptsIt()
    {
        using var source = SourceReplySecretKey.Generate(TestData.KeyCreated);
        using NewsroomSecretKey newsroom = TestData.NewKey();
        byte[] reply = EncryptReply(source.PublicKey, newsroom.PublicKey, "thank you, we read it"u8.ToArray());

        Assert.Equal("thank you, we read it"u8.ToArray(), DecryptAsSource(source, reply));
        Assert.Equal("thank you, we read it"u8.ToArray(), TestData.Decrypt(newsroom, reply).Plaintext);
        Assert.Contains(newsroom.PublicKey.EncryptionKeyId, MessageDecryptor.ReadRecipientKeyIds(new MemoryStream(reply)));
    }

    [Fact]
    public void SealedKey_OpensWithTheSameKeyAndBinding_AndStillDecrypts()
    {
        using var source = SourceReplySecretKey.Generate(TestData.KeyCreated);
        using NewsroomSecretKey newsroom = TestData.NewKey();
        byte[] sealedKey = source.Seal(WrappingKey, Binding);
        byte[] reply = EncryptReply(SourceReplyPublicKey.Parse(source.PublicKey.ToBinary()), newsroom.PublicKey, [7, 8, 9]);

        using var reopened = SourceReplySecretKey.Unseal(WrappingKey, sealedKey, Binding);

        Assert.Equal(source.PublicKey.Fingerprint, reopened.PublicKey.Fingerprint);
        Assert.Equal([7, 8, 9], DecryptAsSource(reopened, reply));
    }

    [Fact]
    public void SealedKey_WrongWrappingKeyOtherBindingOrFlippedBit_IsRefused()
    {
        using var source = SourceReplySecretKey.Generate(TestData.KeyCreated);
        byte[] sealedKey = source.Seal(WrappingKey, Binding);
        byte[] otherKey = (byte[])WrappingKey.Clone();
        otherKey[0] ^= 1;
        byte[] flipped = (byte[])sealedKey.Clone();
        flipped[^20] ^= 0x10;

        Assert.Throws<CryptoException>(() => SourceReplySecretKey.Unseal(otherKey, sealedKey, Binding));
        Assert.Throws<CryptoException>(() => SourceReplySecretKey.Unseal(WrappingKey, sealedKey, "source-reply-key:other"u8));
        Assert.Throws<CryptoException>(() => SourceReplySecretKey.Unseal(WrappingKey, flipped, Binding));
        Assert.Throws<CryptoException>(() => SourceReplySecretKey.Unseal(WrappingKey, sealedKey.AsSpan(0, sealedKey.Length - 1), Binding));
    }

    [Fact]
    public void SourceKey_CannotReadANewsroomOnlyMessage_OrAnotherSourcesReply()
    {
        using var source = SourceReplySecretKey.Generate(TestData.KeyCreated);
        using var other = SourceReplySecretKey.Generate(TestData.KeyCreated);
        using NewsroomSecretKey newsroom = TestData.NewKey();
        byte[] submission = TestData.Encrypt(newsroom.PublicKey, [1, 2, 3]);
        byte[] otherReply = EncryptReply(other.PublicKey, newsroom.PublicKey, [4, 5, 6]);

        Assert.Throws<CryptoException>(() => DecryptAsSource(source, submission));
        Assert.Throws<CryptoException>(() => DecryptAsSource(source, otherReply));
    }

    [Fact]
    public void TamperedReply_IsRefusedBySource()
    {
        using var source = SourceReplySecretKey.Generate(TestData.KeyCreated);
        using NewsroomSecretKey newsroom = TestData.NewKey();
        byte[] reply = EncryptReply(source.PublicKey, newsroom.PublicKey, TestData.RandomBytes(1000));
        reply[^5] ^= 0x01;

        Assert.Throws<CryptoException>(() => DecryptAsSource(source, reply));
    }

    [Fact]
    public void PublicKey_NotAKey_IsRefusedWithCryptoException()
    {
        Assert.Throws<CryptoException>(() => SourceReplyPublicKey.Parse("not a key"u8));
    }

    private static byte[] EncryptReply(SourceReplyPublicKey source, NewsroomPublicKey newsroom, byte[] plaintext)
    {
        using var output = new MemoryStream();
        using (Stream encrypting = MessageEncryptor.OpenReply(output, source, newsroom, ""))
        {
            encrypting.Write(plaintext);
        }

        return output.ToArray();
    }

    private static byte[] DecryptAsSource(SourceReplySecretKey key, byte[] reply)
    {
        using var sink = new MemoryStream();
        MessageDecryptor.Decrypt(new MemoryStream(reply), key, sink);
        return sink.ToArray();
    }
}

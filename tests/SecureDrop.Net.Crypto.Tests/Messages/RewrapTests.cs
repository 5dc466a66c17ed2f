namespace SecureDrop.Net.Crypto.Tests.Messages;

public sealed class RewrapTests
{
    [Fact]
    public void Rewrap_NewKeyDecrypts_OldKeyDoesNot_PayloadBytesUnchanged()
    {
        using NewsroomSecretKey oldKey = TestData.NewKey();
        using NewsroomSecretKey newKey = TestData.NewKey();
        byte[] plaintext = TestData.RandomBytes(300_000);
        byte[] message = TestData.Encrypt(oldKey.PublicKey, plaintext, "doc.pdf");

        byte[] rewrapped = Rewrap(message, oldKey, newKey.PublicKey);

        Assert.Equal(Payload(message), Payload(rewrapped));
        Assert.Equal([newKey.PublicKey.EncryptionKeyId], MessageDecryptor.ReadRecipientKeyIds(new MemoryStream(rewrapped)));
        (byte[] decrypted, string name) = TestData.Decrypt(newKey, rewrapped);
        Assert.Equal(plaintext, decrypted);
        Assert.Equal("doc.pdf", name);
        var error = Assert.Throws<CryptoException>(() => TestData.Decrypt(oldKey, rewrapped));
        Assert.Contains("not encrypted to this key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rewrap_RsaToCurve25519_Works()
    {
        using NewsroomSecretKey rsa = NewsroomSecretKey.FromStorageBytes(SharedKeys.Rsa4096StorageBytes);
        using NewsroomSecretKey curve = TestData.NewKey();
        byte[] message = TestData.Encrypt(rsa.PublicKey, [1, 2, 3]);

        byte[] rewrapped = Rewrap(message, rsa, curve.PublicKey);

        Assert.Equal([1, 2, 3], TestData.Decrypt(curve, rewrapped).Plaintext);
        Assert.Equal(Payload(message), Payload(rewrapped));
    }

    [Fact]
    public void Rewrap_OtherRecipientsPacketsAreKept()
    {
        using NewsroomSecretKey oldKey = TestData.NewKey();
        using NewsroomSecretKey reply = TestData.NewKey();
        using NewsroomSecretKey newKey = TestData.NewKey();
        byte[] message = TestData.Encrypt([oldKey.PublicKey, reply.PublicKey], [9, 9]);

        byte[] rewrapped = Rewrap(message, oldKey, newKey.PublicKey);

        Assert.Equal(
            [newKey.PublicKey.EncryptionKeyId, reply.PublicKey.EncryptionKeyId],
            MessageDecryptor.ReadRecipientKeyIds(new MemoryStream(rewrapped)));
        Assert.Equal([9, 9], TestData.Decrypt(reply, rewrapped).Plaintext);
        Assert.Equal([9, 9], TestData.Decrypt(newKey, rewrapped).Plaintext);
    }

    [Fact]
    public void Rewrap_Reply_KeepsTheSourcePacket_BothKeysOpenIt_PayloadBytesUnchanged()
    {
        using NewsroomSecretKey oldKey = TestData.NewKey();
        using NewsroomSecretKey newKey = TestData.NewKey();
        using SourceReplySecretKey source = SourceReplySecretKey.Generate(TestData.KeyCreated);
        byte[] plaintext = "a reply to the source"u8.ToArray();
        using var encrypted = new MemoryStream();
        using (Stream encrypting = MessageEncryptor.OpenReply(encrypted, source.PublicKey, oldKey.PublicKey, ""))
        {
            encrypting.Write(plaintext);
        }

        byte[] reply = encrypted.ToArray();
        IReadOnlyList<ulong> before = MessageDecryptor.ReadRecipientKeyIds(new MemoryStream(reply));

        byte[] rewrapped = Rewrap(reply, oldKey, newKey.PublicKey);

        Assert.Equal(Payload(reply), Payload(rewrapped));
        IReadOnlyList<ulong> after = MessageDecryptor.ReadRecipientKeyIds(new MemoryStream(rewrapped));
        Assert.Equal(2, after.Count);
        Assert.Contains(newKey.PublicKey.EncryptionKeyId, after);
        Assert.DoesNotContain(oldKey.PublicKey.EncryptionKeyId, after);
        Assert.Single(before.Intersect(after));
        using var asSource = new MemoryStream();
        MessageDecryptor.Decrypt(new MemoryStream(rewrapped), source, asSource);
        Assert.Equal(plaintext, asSource.ToArray());
        Assert.Equal(plaintext, TestData.Decrypt(newKey, rewrapped).Plaintext);
        Assert.Throws<CryptoException>(() => TestData.Decrypt(oldKey, rewrapped));
    }

    [Fact]
    public void Rewrap_WrongOldKey_ThrowsCryptoException()
    {
        using NewsroomSecretKey owner = TestData.NewKey();
        using NewsroomSecretKey other = TestData.NewKey();
        byte[] message = TestData.Encrypt(owner.PublicKey, [1]);

        var error = Assert.Throws<CryptoException>(() => Rewrap(message, other, other.PublicKey));

        Assert.Contains("not encrypted to the old key", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.999)]
    public void Rewrap_AlteredPayload_ThrowsCryptoException(double where)
    {
        using NewsroomSecretKey oldKey = TestData.NewKey();
        using NewsroomSecretKey newKey = TestData.NewKey();
        byte[] message = TestData.Encrypt(oldKey.PublicKey, TestData.RandomBytes(100_000));
        message[(int)(message.Length * where)] ^= 0x04;

        Assert.Throws<CryptoException>(() => Rewrap(message, oldKey, newKey.PublicKey));
    }

    [Fact]
    public void Rewrap_AlteredSessionKeyPacket_ThrowsCryptoException()
    {
        using NewsroomSecretKey oldKey = TestData.NewKey();
        using NewsroomSecretKey newKey = TestData.NewKey();
        byte[] message = TestData.Encrypt(oldKey.PublicKey, [1, 2, 3]);
        message[60] ^= 0x01;

        Assert.Throws<CryptoException>(() => Rewrap(message, oldKey, newKey.PublicKey));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(30)]
    [InlineData(5_000)]
    public void Rewrap_Truncated_ThrowsCryptoException(int bytesRemoved)
    {
        using NewsroomSecretKey oldKey = TestData.NewKey();
        using NewsroomSecretKey newKey = TestData.NewKey();
        byte[] message = TestData.Encrypt(oldKey.PublicKey, TestData.RandomBytes(10_000));

        Assert.Throws<CryptoException>(() => Rewrap(message[..^bytesRemoved], oldKey, newKey.PublicKey));
    }

    [Fact]
    public void Rewrap_TrailingData_ThrowsCryptoException()
    {
        using NewsroomSecretKey oldKey = TestData.NewKey();
        using NewsroomSecretKey newKey = TestData.NewKey();
        byte[] message = TestData.Encrypt(oldKey.PublicKey, [1]);

        var error = Assert.Throws<CryptoException>(() => Rewrap([.. message, 0xC0, 0x00], oldKey, newKey.PublicKey));

        Assert.Contains("trailing", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 1, 2, 3 })]
    [InlineData(new byte[] { (byte)'-', (byte)'-', (byte)'-' })]
    public void Rewrap_NotABinaryMessage_ThrowsCryptoException(byte[] data)
    {
        using NewsroomSecretKey key = TestData.NewKey();

        Assert.Throws<CryptoException>(() => Rewrap(data, key, key.PublicKey));
    }

    [Fact]
    public void Rewrap_64MiB_AllocatesFarLessThanTheMessage()
    {
        using NewsroomSecretKey oldKey = TestData.NewKey();
        using NewsroomSecretKey newKey = TestData.NewKey();
        using var message = TestData.EncryptLarge(oldKey.PublicKey, 64);
        using var output = new MemoryStream((int)message.Length + 1024);
        long before = GC.GetAllocatedBytesForCurrentThread();
        MessageRewrapper.Rewrap(message, oldKey, newKey.PublicKey, output);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Fixed buffers only: checking the payload's MDC takes the reader's eight 1 MiB segments and its read buffer.
        Assert.InRange(allocated, 0, 12 * 1024 * 1024);
        Assert.Equal(message.Length - Payload(message.ToArray()).Length, output.Length - Payload(output.ToArray()).Length);
    }

    internal static byte[] Rewrap(byte[] message, NewsroomSecretKey oldKey, NewsroomPublicKey newKey)
    {
        using var output = new MemoryStream();
        MessageRewrapper.Rewrap(new MemoryStream(message), oldKey, newKey, output);
        return output.ToArray();
    }

    /// <summary>The bytes from the SEIPD packet's header to the end: everything re-wrapping must not touch.</summary>
    internal static byte[] Payload(byte[] message)
    {
        int at = 0;
        while (true)
        {
            byte first = message[at];
            bool newFormat = (first & 0x40) != 0;
            if ((newFormat ? first & 0x3F : (first >> 2) & 0x0F) == 18)
            {
                return message[at..];
            }

            // Session key packets have a definite length (RFC 4880 §4.2).
            int l1 = message[at + 1];
            at += newFormat
                ? l1 < 192 ? 2 + l1 : 3 + ((l1 - 192) << 8) + message[at + 2] + 192
                : (first & 3) == 0 ? 2 + l1 : 3 + ((l1 << 8) | message[at + 2]);
        }
    }
}

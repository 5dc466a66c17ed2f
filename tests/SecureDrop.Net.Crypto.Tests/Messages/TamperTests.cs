using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Security;

namespace SecureDrop.Net.Crypto.Tests.Messages;

public sealed class TamperTests
{
    private static (NewsroomSecretKey Key, byte[] Message) EncryptedSample(int length = 100_000)
    {
        NewsroomSecretKey key = TestData.NewKey();
        return (key, TestData.Encrypt(key.PublicKey, TestData.RandomBytes(length)));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void Decrypt_FlippedBit_ThrowsCryptoException(double where)
    {
        (NewsroomSecretKey key, byte[] message) = EncryptedSample();
        using (key)
        {
            message[(int)(message.Length * where)] ^= 0x01;

            Assert.Throws<CryptoException>(() => TestData.Decrypt(key, message));
        }
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.99)]
    public void Decrypt_FlippedBitInMultiSegmentMessage_FailsMdcCheck(double where)
    {
        // 3 MiB: the reader decrypts and hashes the segments after the first on its own threads; a change in any
        // of them must count.
        (NewsroomSecretKey key, byte[] message) = EncryptedSample(3 * 1024 * 1024);
        using (key)
        {
            message[(int)(message.Length * where)] ^= 0x01;

            var error = Assert.Throws<CryptoException>(() => TestData.Decrypt(key, message));
            Assert.Contains("integrity", error.Message, StringComparison.Ordinal);
            Assert.Equal(CryptoFailure.Tampered, error.Reason);
        }
    }

    [Fact]
    public void Decrypt_FlippedBitInLastByte_FailsMdcCheck()
    {
        (NewsroomSecretKey key, byte[] message) = EncryptedSample(1000);
        using (key)
        {
            message[^1] ^= 0x80;

            var error = Assert.Throws<CryptoException>(() => TestData.Decrypt(key, message));
            Assert.Contains("integrity", error.Message, StringComparison.Ordinal);
            Assert.Equal(CryptoFailure.Tampered, error.Reason);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(22)]
    [InlineData(50_000)]
    public void Decrypt_Truncated_ThrowsCryptoException(int bytesRemoved)
    {
        (NewsroomSecretKey key, byte[] message) = EncryptedSample();
        using (key)
        {
            Assert.Throws<CryptoException>(() => TestData.Decrypt(key, message[..^bytesRemoved]));
        }
    }

    [Theory]
    [InlineData(new byte[] { 0x00 })]
    [InlineData(new byte[] { 0xDE, 0xAD, 0xBE, 0xEF })]
    [InlineData(new byte[] { 0xCA, 0x03, 0x50, 0x47, 0x50 })]
    public void Decrypt_ExtendedWithGarbage_ThrowsCryptoException(byte[] garbage)
    {
        (NewsroomSecretKey key, byte[] message) = EncryptedSample(1000);
        using (key)
        {
            Assert.Throws<CryptoException>(() => TestData.Decrypt(key, [.. message, .. garbage]));
        }
    }

    [Fact]
    public void Decrypt_TwoMessagesConcatenated_ThrowsCryptoException()
    {
        (NewsroomSecretKey key, byte[] message) = EncryptedSample(1000);
        using (key)
        {
            var error = Assert.Throws<CryptoException>(() => TestData.Decrypt(key, [.. message, .. message]));
            Assert.Contains("trailing", error.Message, StringComparison.Ordinal);
            Assert.Equal(CryptoFailure.Tampered, error.Reason);
        }
    }

    [Fact]
    public void Decrypt_ArmoredMessageFollowedByAnother_ThrowsCryptoException()
    {
        (NewsroomSecretKey key, byte[] message) = EncryptedSample(1000);
        using (key)
        {
            string armored = KeyRings.Armor(message);
            byte[] single = System.Text.Encoding.ASCII.GetBytes(armored + "\r\n \n");
            byte[] doubled = System.Text.Encoding.ASCII.GetBytes(armored + armored);

            Assert.Equal(1000, TestData.Decrypt(key, single).Plaintext.Length);
            var error = Assert.Throws<CryptoException>(() => TestData.Decrypt(key, doubled));
            Assert.Contains("trailing", error.Message, StringComparison.Ordinal);
            Assert.Equal(CryptoFailure.Tampered, error.Reason);
        }
    }

    [Fact]
    public void Decrypt_WrongKey_ThrowsCryptoException()
    {
        using NewsroomSecretKey recipient = TestData.NewKey();
        using NewsroomSecretKey other = TestData.NewKey();
        byte[] message = TestData.Encrypt(recipient.PublicKey, [1, 2, 3]);

        var error = Assert.Throws<CryptoException>(() => TestData.Decrypt(other, message));

        Assert.Contains("not encrypted to this key", error.Message, StringComparison.Ordinal);
        Assert.Equal(CryptoFailure.NotForThisKey, error.Reason);
    }

    [Fact]
    public void Decrypt_WithoutMdc_IsRefusedBeforeAnyPlaintext()
    {
        using NewsroomSecretKey key = TestData.NewKey();
        byte[] message = EncryptWithoutIntegrity(key.PublicKey, TestData.RandomBytes(1000));
        using var sink = new MemoryStream();

        var error = Assert.Throws<CryptoException>(() => MessageDecryptor.Decrypt(new MemoryStream(message), key, sink));

        Assert.Contains("integrity", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, sink.Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(500)]
    public void Decrypt_NotOpenPgp_ThrowsCryptoException(int length)
    {
        using NewsroomSecretKey key = TestData.NewKey();

        Assert.Throws<CryptoException>(() => TestData.Decrypt(key, TestData.RandomBytes(length)));
    }

    [Fact]
    public void Decrypt_PublicKeyInsteadOfMessage_ThrowsCryptoException()
    {
        using NewsroomSecretKey key = TestData.NewKey();

        Assert.Throws<CryptoException>(() => TestData.Decrypt(key, key.PublicKey.ToBinary()));
    }

    [Fact]
    public void Decrypt_SinkFailure_PropagatesUnwrapped()
    {
        using NewsroomSecretKey key = TestData.NewKey();
        byte[] message = TestData.Encrypt(key.PublicKey, [1, 2, 3]);
        using var readOnlySink = new MemoryStream([], writable: false);

        Assert.Throws<NotSupportedException>(() => MessageDecryptor.Decrypt(new MemoryStream(message), key, readOnlySink));
    }

    /// <summary>A legacy SED (tag 9) message, as old or downgraded senders produce: no MDC.</summary>
    private static byte[] EncryptWithoutIntegrity(NewsroomPublicKey recipient, byte[] plaintext)
    {
        using var output = new MemoryStream();
        var generator = new PgpEncryptedDataGenerator(SymmetricKeyAlgorithmTag.Aes256, withIntegrityPacket: false, new SecureRandom());
        generator.AddMethod(new PgpPublicKeyRing(recipient.ToBinary()).GetPublicKey(unchecked((long)recipient.EncryptionKeyId)));
        using (Stream encrypted = generator.Open(output, new byte[4096]))
        using (Stream literal = new PgpLiteralDataGenerator().Open(encrypted, PgpLiteralData.Binary, "x", DateTime.UnixEpoch, new byte[4096]))
        {
            literal.Write(plaintext);
        }

        return output.ToArray();
    }
}

namespace SecureDrop.Net.Crypto.Tests.Messages;

/// <summary>
/// MessageBuffers.StartSmall (issue 19: many slow uploads at once): a message encrypted with small buffers holds 16 KiB
/// pieces and no large segment until the caller grows them, and is the same OpenPGP message to every reader: ours
/// (SEIPD v1 and v2, grown mid-message or not) and gpg.
/// </summary>
public sealed class MessageBuffersTests
{
    private const int Piece = 16 * 1024;

    [Fact]
    public void SmallBuffers_AllocateAFractionOfLargeOnes_ForTheSameUpload()
    {
        using NewsroomSecretKey key = TestData.NewKey();
        byte[] plaintext = TestData.RandomBytes(3 * 1024 * 1024);
        // Warm up both paths once, so what is measured is the message, not first-use costs.
        EncryptInPieces(key.PublicKey, plaintext, MessageBuffers.StartSmall(), out _);
        EncryptInPieces(key.PublicKey, plaintext, MessageBuffers.Large(), out _);

        byte[] small = EncryptInPieces(key.PublicKey, plaintext, MessageBuffers.StartSmall(), out long smallBytes);
        byte[] large = EncryptInPieces(key.PublicKey, plaintext, MessageBuffers.Large(), out long largeBytes);

        Assert.True(smallBytes < 256 * 1024, $"Small buffers allocated {smallBytes} bytes for one 3 MiB upload.");
        Assert.True(largeBytes > 2 * smallBytes, $"Large: {largeBytes} bytes, small: {smallBytes}; the small path saved nothing.");
        Assert.Equal(plaintext, TestData.Decrypt(key, small).Plaintext);
        Assert.Equal(plaintext, TestData.Decrypt(key, large).Plaintext);
    }

    [Theory]
    [InlineData(false, 0)]
    [InlineData(false, 700_000)]
    [InlineData(true, 0)]
    [InlineData(true, 700_000)]
    public void SmallBuffers_GrownAnywhereOrNot_GiveAMessageThatDecrypts(bool v6, int growAt)
    {
        using NewsroomSecretKey key = v6
            ? NewsroomSecretKey.Import(Vectors.Read("rfc9580/a4-v6-secret-key.asc"), default, TestData.KeyCreated.AddYears(2))
            : TestData.NewKey();
        byte[] plaintext = TestData.RandomBytes(2_500_000);
        var buffers = MessageBuffers.StartSmall();
        using var output = new MemoryStream();
        using (Stream message = MessageEncryptor.Open(output, key.PublicKey, "upload.bin", buffers))
        {
            for (int at = 0; at < plaintext.Length; at += Piece)
            {
                if (growAt > 0 && at >= growAt && !buffers.IsLarge)
                {
                    buffers.Grow();
                }

                message.Write(plaintext.AsSpan(at, Math.Min(Piece, plaintext.Length - at)));
            }
        }

        Assert.Equal(v6 ? 2 : 1, MessageEnvelope.Read(new MemoryStream(output.ToArray())).Version);
        TestData.AssertDecrypts(key, output.ToArray(), plaintext, "upload.bin");
    }

    [Fact]
    public async Task SmallBuffersMessage_DecryptsInGpg()
    {
        using NewsroomSecretKey key = TestData.NewKey();
        byte[] plaintext = TestData.RandomBytes(600_000);
        byte[] message = EncryptInPieces(key.PublicKey, plaintext, MessageBuffers.StartSmall(), out _);
        await using var gpg = await TestData.GpgHoldingAsync(key);

        ToolResult result = (await gpg.RunAsync(message, "--decrypt")).EnsureSuccess();

        Assert.Equal(plaintext, result.Stdout);
    }

    private static byte[] EncryptInPieces(NewsroomPublicKey recipient, byte[] plaintext, MessageBuffers buffers, out long allocated)
    {
        // Room for the whole message up front, so the output's growth is not counted.
        using var output = new MemoryStream(plaintext.Length + 256 * 1024);
        long before = GC.GetAllocatedBytesForCurrentThread();
        using (Stream message = MessageEncryptor.Open(output, recipient, "upload.bin", buffers))
        {
            for (int at = 0; at < plaintext.Length; at += Piece)
            {
                message.Write(plaintext.AsSpan(at, Math.Min(Piece, plaintext.Length - at)));
            }
        }

        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        return output.ToArray();
    }
}

namespace SecureDrop.Net.Crypto.Tests.Messages;

public sealed class StreamingTests
{
    /// <summary>Counts bytes and drops them, so the test itself holds no copy of the output.</summary>
    private sealed class CountingStream : Stream
    {
        public long Count { get; private set; }

        public bool Disposed { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Count;

        public override long Position { get => Count; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Count += count;

        public override void Write(ReadOnlySpan<byte> buffer) => Count += buffer.Length;

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }

    [Fact]
    public void Encrypt_64MiB_OutputKeepsPaceWithInput()
    {
        using NewsroomSecretKey key = TestData.NewKey();
        using var output = new CountingStream();
        byte[] chunk = TestData.RandomBytes(1024 * 1024);
        long written = 0;
        long largestLag = 0;

        using (Stream encrypting = MessageEncryptor.Open(output, key.PublicKey, "big.bin"))
        {
            for (int i = 0; i < 64; i++)
            {
                encrypting.Write(chunk);
                written += chunk.Length;
                largestLag = Math.Max(largestLag, written - output.Count);
            }
        }

        // The literal packet's chunk (grown to 256 KiB for a large message), the encrypted packet's first 64 KiB
        // segment and the segments in flight (at most six of 512 KiB, hashed and encrypted on other cores) and its
        // 256 KiB chunk may hold data back; nothing else may, whatever the input size.
        Assert.InRange(largestLag, 0, (256 + 64 + (6 * 512) + 256) * 1024);
        // Padded (Padmé): the literal packet's framing and the padding inside the encryption, then the outer packets.
        Assert.InRange(output.Count, MessagePadding.PaddedLength(written), MessagePadding.PaddedLength(written) + 4096);
        Assert.False(output.Disposed, "disposing the encryptor must leave the output open");
    }

    [Fact]
    public void Decrypt_64MiB_AllocatesFarLessThanTheMessage()
    {
        using NewsroomSecretKey key = TestData.NewKey();
        using var message = TestData.EncryptLarge(key.PublicKey, 64);
        using var plaintext = new CountingStream();
        long before = GC.GetAllocatedBytesForCurrentThread();
        MessageDecryptor.Decrypt(message, key, plaintext);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Fixed buffers only: the reader's eight 1 MiB segments and its 1 MiB read buffer, the 256 KiB copy buffer.
        Assert.Equal(64L * 1024 * 1024, plaintext.Count);
        Assert.InRange(allocated, 0, 12 * 1024 * 1024);
    }
}

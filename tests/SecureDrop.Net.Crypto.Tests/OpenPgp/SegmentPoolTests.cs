namespace SecureDrop.Net.Crypto.Tests.OpenPgp;

/// <summary>Pooled segment buffers hold plaintext: none may carry one message's bytes into the next.</summary>
public sealed class SegmentPoolTests
{
    [Fact]
    public void ReturnedBuffer_IsZeroedAndReused()
    {
        var pool = new SegmentPool(4096, 2);
        var buffer = pool.Rent();
        buffer.AsSpan().Fill(0x5A);

        pool.Return(buffer);
        var again = pool.Rent();

        Assert.Same(buffer, again);
        Assert.True(again.AsSpan().IndexOfAnyExcept((byte)0) < 0, "A reused segment buffer still held the last message's bytes.");
    }

    [Fact]
    public void BeyondItsLimit_TheBufferIsZeroedAndNotKept()
    {
        var pool = new SegmentPool(64, 1);
        var first = pool.Rent();
        var second = pool.Rent();
        second.AsSpan().Fill(0x33);

        pool.Return(first);
        pool.Return(second);

        Assert.True(second.AsSpan().IndexOfAnyExcept((byte)0) < 0);
        Assert.Same(first, pool.Rent());
        Assert.NotSame(second, pool.Rent());
    }

    [Fact]
    public void ForeignLength_IsZeroedAndNotKept()
    {
        var pool = new SegmentPool(64, 4);
        var foreign = new byte[128];
        foreign.AsSpan().Fill(0x11);

        pool.Return(foreign);

        Assert.True(foreign.AsSpan().IndexOfAnyExcept((byte)0) < 0);
        Assert.Equal(64, pool.Rent().Length);
    }
}

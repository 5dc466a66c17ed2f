using SecureDrop.Net.Core.Web;

namespace SecureDrop.Net.Submission.Tests.Hosting;

/// <summary>Kestrel's receive buffers carry sources' plaintext before it is encrypted: none may linger in a reused block.</summary>
public sealed class TransportBufferPoolTests
{
    [Fact]
    public void ReturnedBlock_IsZeroed_BeforeItIsRentedAgain()
    {
        using var pool = new TransportBufferPool();
        var first = pool.Rent();
        first.Memory.Span.Fill(0x5A);
        var block = first.Memory;
        first.Dispose();

        using var second = pool.Rent();

        Assert.True(second.Memory.Span.Overlaps(block.Span), "The pool should hand the same block out again.");
        Assert.Equal(-1, second.Memory.Span.IndexOfAnyExcept((byte)0));
    }

    [Fact]
    public void Rent_GivesWholeBlocks_AndLargerRequestsTheirOwnArray()
    {
        using var pool = new TransportBufferPool();

        using var small = pool.Rent(100);
        using var large = pool.Rent(TransportBufferPool.BlockSize + 1);

        Assert.Equal(TransportBufferPool.BlockSize, pool.MaxBufferSize);
        Assert.Equal(TransportBufferPool.BlockSize, small.Memory.Length);
        Assert.Equal(TransportBufferPool.BlockSize + 1, large.Memory.Length);
    }

    [Fact]
    public void Lease_DisposedTwice_ReturnsItsBlockOnce()
    {
        using var pool = new TransportBufferPool();
        var lease = pool.Rent();
        lease.Dispose();
        lease.Dispose();

        using var a = pool.Rent();
        using var b = pool.Rent();

        Assert.False(a.Memory.Span.Overlaps(b.Memory.Span));
        Assert.Throws<ObjectDisposedException>(() => lease.Memory);
    }
}

using SecureDrop.Net.Reviewer.Items;

namespace SecureDrop.Net.Reviewer.Tests;

/// <summary>
/// The hand-over between a download's decryption and its response, on its own: the decryption's last buffer waits
/// for it to return (the integrity check), a failure reaches the response side, and a response side that leaves
/// stops the decryption (issue 20: the pipe it replaced left its producer blocked for ever).
/// </summary>
public sealed class PlaintextRelayTests
{
    private const int Chunk = PlaintextRelay.ChunkBytes;

    [Fact]
    public async Task ResponseSideLeaves_DecryptionStopsAtItsNextWrite_AndDisposeWaitsForIt()
    {
        var endless = new byte[Chunk];
        var relay = PlaintextRelay.Start(sink =>
        {
            while (true)
            {
                sink.Write(endless);
            }
        }, CancellationToken.None);

        for (var i = 0; i < 2; i++)
        {
            relay.Recycle(await relay.NextAsync(CancellationToken.None));
        }

        await relay.DisposeAsync();

        // Two taken, four in flight, one held by the writer, one being written when the stop came.
        Assert.InRange(relay.Decrypted, 2 * Chunk, (2 + PlaintextRelay.InFlight + 2) * Chunk);
    }

    [Fact]
    public async Task DecryptionFails_BuffersBeforeArrive_ThenTheFailure_AndTheHeldBackTailNever()
    {
        var written = 3 * Chunk + 1000;
        await using var relay = PlaintextRelay.Start(sink =>
        {
            sink.Write(new byte[written]);
            throw new InvalidDataException("MDC mismatch");
        }, CancellationToken.None);

        var received = 0;
        var failure = await Assert.ThrowsAsync<InvalidDataException>(async () =>
        {
            while (true)
            {
                var chunk = await relay.NextAsync(CancellationToken.None);
                received += chunk.Length;
                relay.Recycle(chunk);
            }
        });

        Assert.Equal("MDC mismatch", failure.Message);
        Assert.Equal(3 * Chunk, received);
    }

    [Fact]
    public async Task SmallOutput_ArrivesOnlyOnceTheDecryptionReturns()
    {
        using var finish = new ManualResetEventSlim();
        await using var relay = PlaintextRelay.Start(sink =>
        {
            sink.Write("short message"u8);
            finish.Wait(TimeSpan.FromMinutes(1));
        }, CancellationToken.None);

        var next = relay.NextAsync(CancellationToken.None);
        await Task.Delay(200);
        Assert.False(next.IsCompleted);
        finish.Set();
        var chunk = await next;
        Assert.Equal("short message"u8.ToArray(), chunk.Memory.ToArray());
        relay.Recycle(chunk);
        Assert.Null((await relay.NextAsync(CancellationToken.None)).Buffer);
    }

    [Fact]
    public async Task SentBuffers_AreZeroedWhenRecycled()
    {
        await using var relay = PlaintextRelay.Start(sink => sink.Write(Enumerable.Repeat((byte)0x5A, 2 * Chunk).ToArray()), CancellationToken.None);
        var chunk = await relay.NextAsync(CancellationToken.None);
        var sent = chunk.Buffer!;
        Assert.Equal(Chunk, sent.AsSpan(0, chunk.Length).Count((byte)0x5A));

        relay.Recycle(chunk);

        Assert.Equal(-1, sent.AsSpan().IndexOfAnyExcept((byte)0));
    }

    [Fact]
    public async Task RequestAborted_StopsTheDecryption_AndTheResponseSideSeesTheCancellation()
    {
        using var aborted = new CancellationTokenSource();
        await using var relay = PlaintextRelay.Start(sink =>
        {
            while (true)
            {
                sink.Write(new byte[Chunk]);
            }
        }, aborted.Token);
        relay.Recycle(await relay.NextAsync(aborted.Token));

        await aborted.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            while (true)
            {
                relay.Recycle(await relay.NextAsync(aborted.Token));
            }
        });
    }
}

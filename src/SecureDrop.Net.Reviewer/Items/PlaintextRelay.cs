using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using SecureDrop.Net.Custody.Submissions;

namespace SecureDrop.Net.Reviewer.Items;

/// <summary>
/// Carries plaintext from a decryption, which writes synchronously to a <see cref="Stream"/> on a thread of its own,
/// to an asynchronous response, in pooled buffers of <see cref="ChunkBytes"/>: at most <see cref="InFlight"/> wait
/// for the client, so a download holds the same memory whatever the item's size, and every buffer is cleared before
/// it goes back to the pool. The decryption's last buffer is held back until it returns, that is until the MDC or
/// the last AEAD tag has been checked: an altered item never reaches the client whole, and one that fits in a
/// buffer is checked before any of it leaves.
/// </summary>
/// <remarks>
/// Why not System.IO.Pipelines: a <c>Pipe</c>'s segments return to their pool uncleared. The decryption stops at its
/// next write once the request is aborted or the relay is disposed; disposing waits for it to end and clears what
/// was never sent, so every path (done, failed, the client gone) ends with no thread left and no plaintext in a
/// buffer.
/// </remarks>
internal sealed class PlaintextRelay : IAsyncDisposable
{
    public const int ChunkBytes = 64 * 1024;

    /// <summary>Buffers handed over and not yet written to the response.</summary>
    public const int InFlight = 4;

    private readonly ConcurrentQueue<Chunk> _handedOver = new();
    private readonly SemaphoreSlim _free = new(InFlight, InFlight);
    private readonly SemaphoreSlim _ready = new(0);
    private readonly CancellationTokenSource _stop;
    private readonly Task _producer;
    private ExceptionDispatchInfo? _failure;
    private long _decrypted;

    private PlaintextRelay(Action<Stream> produce, CancellationToken aborted)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        // A thread of its own: decrypting a large item is seconds of CPU work that blocks while the client catches up.
        _producer = Task.Factory.StartNew(() => Produce(produce), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Plaintext octets the decryption has written so far, sent or not.</summary>
    public long Decrypted => Interlocked.Read(ref _decrypted);

    /// <summary>Starts <paramref name="produce"/>, which writes the plaintext to the stream it is given, on its own thread.</summary>
    public static PlaintextRelay Start(Action<Stream> produce, CancellationToken aborted) => new(produce, aborted);

    /// <summary>
    /// The next buffer, or one with no <see cref="Chunk.Buffer"/> at the end; give each back with <see cref="Recycle"/>.
    /// Throws what the decryption threw (after the buffers before the failure).
    /// </summary>
    public async Task<Chunk> NextAsync(CancellationToken cancellationToken)
    {
        await _ready.WaitAsync(cancellationToken);
        _handedOver.TryDequeue(out var chunk);
        if (chunk.Buffer is null)
        {
            _failure?.Throw();
        }

        return chunk;
    }

    /// <summary>Clears a buffer once it is written and returns it to the pool, making room for the next.</summary>
    public void Recycle(Chunk chunk)
    {
        if (chunk.Buffer is not null)
        {
            Release(chunk.Buffer);
            _free.Release();
        }
    }

    /// <summary>Stops the decryption if it still runs, waits for its thread to end, and clears every buffer not sent.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _producer;
        while (_handedOver.TryDequeue(out var chunk))
        {
            if (chunk.Buffer is not null)
            {
                Release(chunk.Buffer);
            }
        }

        _stop.Dispose();
        _free.Dispose();
        _ready.Dispose();
    }

    private static void Release(byte[] buffer)
    {
        CryptographicOperations.ZeroMemory(buffer);
        ArrayPool<byte>.Shared.Return(buffer);
    }

    private void Produce(Action<Stream> produce)
    {
        using var sink = new Sink(this);
        try
        {
            produce(sink);
            sink.HandOverLast();
        }
#pragma warning disable CA1031 // Every failure (altered item, file gone, client gone) is handed to the response side as it is.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            _failure = ExceptionDispatchInfo.Capture(exception);
        }
        finally
        {
            _handedOver.Enqueue(default);
            _ready.Release();
        }
    }

    /// <summary>A buffer of plaintext: its first <see cref="Length"/> octets.</summary>
    internal readonly record struct Chunk(byte[]? Buffer, int Length)
    {
        public ReadOnlyMemory<byte> Memory => Buffer.AsMemory(0, Length);
    }

    /// <summary>What the decryption writes to: fills one buffer at a time and hands it over when the next write needs room.</summary>
    private sealed class Sink(PlaintextRelay relay) : WriteOnlyStream
    {
        private byte[]? _current = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        private int _filled;

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            relay._stop.Token.ThrowIfCancellationRequested();
            while (!buffer.IsEmpty)
            {
                ObjectDisposedException.ThrowIf(_current is null, this);
                if (_filled == ChunkBytes)
                {
                    // Only now is it certain that this buffer is not the last: the last waits for the integrity check.
                    HandOver(renew: true);
                }

                var count = Math.Min(buffer.Length, ChunkBytes - _filled);
                buffer[..count].CopyTo(_current.AsSpan(_filled));
                _filled += count;
                buffer = buffer[count..];
                Interlocked.Add(ref relay._decrypted, count);
            }
        }

        /// <summary>The decryption returned: its integrity check passed, so the held-back buffer may go too.</summary>
        public void HandOverLast()
        {
            if (_filled > 0)
            {
                HandOver(renew: false);
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && _current is not null)
            {
                Release(_current);
                _current = null;
            }

            base.Dispose(disposing);
        }

        private void HandOver(bool renew)
        {
            relay._free.Wait(relay._stop.Token);
            relay._handedOver.Enqueue(new Chunk(_current, _filled));
            relay._ready.Release();
            _current = renew ? ArrayPool<byte>.Shared.Rent(ChunkBytes) : null;
            _filled = 0;
        }
    }
}

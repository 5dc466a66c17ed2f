using System.Runtime.ExceptionServices;
using System.Security.Cryptography;

namespace SecureDrop.Net.Crypto;

/// <summary>A run of whole SEIPD v2 chunks, each followed by its tag, handed to a worker and back.</summary>
internal sealed class AeadSegment(int capacity)
{
    public byte[] Buffer { get; } = new byte[capacity];

    /// <summary>Octets in use: chunks and their tags.</summary>
    public int Length { get; set; }

    /// <summary>The index of the segment's first chunk in the message (the nonce's counter).</summary>
    public long FirstChunk { get; set; }

    internal bool Done { get; set; }

    internal ExceptionDispatchInfo? Failure { get; set; }

    public void Reset()
    {
        Length = 0;
        Done = false;
        Failure = null;
    }
}

/// <summary>
/// Worker threads that encrypt or decrypt SEIPD v2 segments in parallel: AEAD chunks are independent (each has its
/// own nonce), which is what RFC 9580's chunking is for. The caller posts segments in message order and waits for
/// them in the same order, so output order never depends on which worker finished first.
/// </summary>
/// <remarks>
/// Dedicated threads rather than the thread pool, as for SEIPD v1 (<see cref="StageThread"/>): a large message keeps
/// them busy for seconds and the caller blocks on them synchronously. Each worker keys its own cipher (the ciphers
/// are not thread-safe). Started only for messages larger than one segment; a short tip runs inline.
/// </remarks>
internal sealed class ChunkWorkers : IDisposable
{
    private readonly Queue<AeadSegment> _queue = new();
    private readonly Thread[] _threads;
    private bool _stopping;

    public ChunkWorkers(int count, SeipdV2Parameters parameters, Action<AeadCipher, AeadSegment> work)
    {
        _threads = new Thread[count];
        for (int i = 0; i < count; i++)
        {
            _threads[i] = new Thread(() => Run(parameters, work)) { IsBackground = true, Name = "SEIPD v2 AEAD" };
            _threads[i].Start();
        }
    }

    public void Post(AeadSegment segment)
    {
        lock (_queue)
        {
            _queue.Enqueue(segment);
            Monitor.Pulse(_queue);
        }
    }

    /// <summary>Blocks until <paramref name="segment"/> is done; rethrows what its worker threw.</summary>
    public static void WaitFor(AeadSegment segment)
    {
        lock (segment)
        {
            while (!segment.Done)
            {
                Monitor.Wait(segment);
            }
        }

        segment.Failure?.Throw();
    }

    /// <summary>Stops the workers once their current segment is done, dropping what is still queued.</summary>
    public void Dispose()
    {
        lock (_queue)
        {
            _stopping = true;
            _queue.Clear();
            Monitor.PulseAll(_queue);
        }

        foreach (Thread thread in _threads)
        {
            thread.Join();
        }
    }

    private void Run(SeipdV2Parameters parameters, Action<AeadCipher, AeadSegment> work)
    {
        using AeadCipher cipher = parameters.NewCipher();
        while (true)
        {
            AeadSegment segment;
            lock (_queue)
            {
                while (_queue.Count == 0 && !_stopping)
                {
                    Monitor.Wait(_queue);
                }

                if (_stopping)
                {
                    return;
                }

                segment = _queue.Dequeue();
            }

            try
            {
                work(cipher, segment);
            }
#pragma warning disable CA1031 // Any failure is handed to the caller's thread, which rethrows it.
            catch (Exception e)
#pragma warning restore CA1031
            {
                CryptographicOperations.ZeroMemory(segment.Buffer);
                segment.Failure = ExceptionDispatchInfo.Capture(e);
            }

            lock (segment)
            {
                segment.Done = true;
                Monitor.PulseAll(segment);
            }
        }
    }
}

namespace SecureDrop.Net.Crypto;

/// <summary>A pooled buffer and how many of its bytes are in use, handed between a stream and its stage.</summary>
internal sealed class Segment(int capacity)
{
    public byte[] Buffer { get; } = new byte[capacity];

    public int Length { get; set; }
}

/// <summary>
/// One stage of a two-core pipeline: a dedicated thread that runs <c>work</c> on each submitted segment, in order,
/// and hands the segments back in that same order. SEIPD v1 pairs two independent passes over every byte (the CFB
/// chain and the MDC's SHA-1); running one of them here lets a message cost the slower pass rather than their sum.
/// </summary>
/// <remarks>
/// A dedicated thread rather than the thread pool: a large message keeps it busy for seconds, and the caller
/// blocks on it synchronously (the packet writers and readers are synchronous streams). Callers bound the number
/// of segments in flight by their pool, so nothing here grows with the input. Only large messages start one.
/// </remarks>
internal sealed class BackgroundStage : IDisposable
{
    private readonly Action<Segment> _work;
    private readonly Queue<Segment> _todo = new();
    private readonly Queue<Segment> _done = new();
    private readonly Thread _thread;
    private Exception? _failure;
    private bool _stopping;

    public BackgroundStage(Action<Segment> work, string name)
    {
        _work = work;
        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>Segments submitted and not yet taken back.</summary>
    public int InFlight { get; private set; }

    public void Submit(Segment segment)
    {
        lock (_todo)
        {
            ObjectDisposedException.ThrowIf(_stopping, this);
            _todo.Enqueue(segment);
            InFlight++;
            Monitor.PulseAll(_todo);
        }
    }

    /// <summary>Waits for the oldest submitted segment to be processed and returns it; rethrows a failure of the work.</summary>
    public Segment TakeCompleted()
    {
        lock (_todo)
        {
            if (InFlight == 0)
            {
                throw new InvalidOperationException("No segment is in flight.");
            }

            while (_done.Count == 0 && _failure is null)
            {
                Monitor.Wait(_todo);
            }

            if (_failure is not null)
            {
                throw new InvalidOperationException("The background stage failed.", _failure);
            }

            InFlight--;
            return _done.Dequeue();
        }
    }

    public void Dispose()
    {
        lock (_todo)
        {
            _stopping = true;
            Monitor.PulseAll(_todo);
        }

        _thread.Join();
    }

    private void Run()
    {
        while (true)
        {
            Segment segment;
            lock (_todo)
            {
                while (_todo.Count == 0 && !_stopping)
                {
                    Monitor.Wait(_todo);
                }

                if (_stopping || _failure is not null)
                {
                    return;
                }

                segment = _todo.Dequeue();
            }

            try
            {
                _work(segment);
            }
#pragma warning disable CA1031 // Any failure of the work is handed to the caller's thread, which rethrows it.
            catch (Exception e)
#pragma warning restore CA1031
            {
                lock (_todo)
                {
                    _failure = e;
                    Monitor.PulseAll(_todo);
                }

                return;
            }

            lock (_todo)
            {
                _done.Enqueue(segment);
                Monitor.PulseAll(_todo);
            }
        }
    }
}

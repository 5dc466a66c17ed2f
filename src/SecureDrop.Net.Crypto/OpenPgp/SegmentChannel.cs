using System.Runtime.ExceptionServices;

namespace SecureDrop.Net.Crypto;

/// <summary>A pooled buffer and how many of its bytes are in use, handed between the threads of one message.</summary>
internal sealed class Segment(byte[] buffer)
{
    public Segment(int capacity)
        : this(new byte[capacity])
    {
    }

    public byte[] Buffer { get; } = buffer;

    public int Length { get; set; }

    /// <summary>Writing: the segment that ends the packet (the MDC's digest goes after its data).</summary>
    public bool Last { get; set; }
}

/// <summary>
/// An ordered hand-over of segments from one thread to the next in a SEIPD pipeline. The sending side ends it
/// with <see cref="Close"/> (no more segments) or <see cref="Fail"/> (the receiver rethrows that exception, with
/// its own type, so a damaged message still surfaces as what it is); the side that gives up first calls
/// <see cref="Abandon"/>, which stops every thread blocked on it. Nothing here bounds memory: a pipeline bounds it
/// by the number of segments it allocates, which circulate through its channels.
/// </summary>
internal sealed class SegmentChannel
{
    private readonly Queue<Segment> _items = new();
    private ExceptionDispatchInfo? _failure;
    private bool _closed;
    private bool _abandoned;

    public void Add(Segment segment)
    {
        lock (_items)
        {
            if (_abandoned)
            {
                throw new OperationCanceledException("The message was abandoned.");
            }

            _items.Enqueue(segment);
            if (_items.Count == 1)
            {
                Monitor.Pulse(_items);
            }
        }
    }

    public void Close()
    {
        lock (_items)
        {
            _closed = true;
            Monitor.PulseAll(_items);
        }
    }

    public void Fail(ExceptionDispatchInfo failure)
    {
        lock (_items)
        {
            _failure ??= failure;
            Monitor.PulseAll(_items);
        }
    }

    public void Abandon()
    {
        lock (_items)
        {
            _abandoned = true;
            Monitor.PulseAll(_items);
        }
    }

    /// <summary>
    /// Waits for the next segment; false once the channel is closed and empty. Rethrows the sender's failure, and
    /// throws <see cref="OperationCanceledException"/> once abandoned.
    /// </summary>
    public bool TryTake(out Segment segment) => TryTake(wait: true, out segment);

    /// <summary>The next segment if one is ready now, without waiting.</summary>
    public bool TryTakeReady(out Segment segment) => TryTake(wait: false, out segment);

    private bool TryTake(bool wait, out Segment segment)
    {
        lock (_items)
        {
            while (true)
            {
                if (_abandoned)
                {
                    throw new OperationCanceledException("The message was abandoned.");
                }

                if (_items.TryDequeue(out Segment? next))
                {
                    segment = next;
                    return true;
                }

                _failure?.Throw();
                if (_closed || !wait)
                {
                    segment = null!;
                    return false;
                }

                Monitor.Wait(_items);
            }
        }
    }
}

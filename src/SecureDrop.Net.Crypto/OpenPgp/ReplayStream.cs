namespace SecureDrop.Net.Crypto;

/// <summary>
/// A read-only stream that first replays one byte already taken from <c>inner</c>, then reads <c>inner</c>.
/// Lets the armor check peek at a stream that cannot seek (a request body, a pipe) without buffering it.
/// Disposing it leaves <c>inner</c> open: the caller owns that stream.
/// </summary>
internal sealed class ReplayStream(byte first, Stream inner) : Stream
{
    private bool _replayed;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        if (!_replayed)
        {
            _replayed = true;
            buffer[0] = first;
            return 1;
        }

        return inner.Read(buffer);
    }

    public override int ReadByte()
    {
        if (!_replayed)
        {
            _replayed = true;
            return first;
        }

        return inner.ReadByte();
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

namespace SecureDrop.Net.Crypto;

/// <summary>
/// A read-only stream that first replays one byte already taken from <c>inner</c>, then reads <c>inner</c>.
/// Lets the armor check peek at a stream that cannot seek (a request body, a pipe) without buffering it.
/// Disposing it leaves <c>inner</c> open: the caller owns that stream.
/// </summary>
internal sealed class ReplayStream(byte first, Stream inner) : ForwardOnlyReadStream
{
    private bool _replayed;

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
}

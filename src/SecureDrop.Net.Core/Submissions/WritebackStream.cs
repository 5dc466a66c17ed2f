using SecureDrop.Net.Core.Data;

namespace SecureDrop.Net.Core.Submissions;

/// <summary>
/// The intake item's file as the encryptor writes it: every few MiB it asks the kernel to start writing what was
/// just written to disk (<see cref="UnixFiles.StartWriteback"/>), so the fsync that commits the item only waits for
/// the tail. Without it nothing reaches the disk before that fsync (the kernel holds gigabytes of dirty pages on a
/// large machine), and a 1 GiB upload ended with ~0.6 s of waiting in which nothing else happened.
/// </summary>
/// <remarks>
/// An earlier try ran fsync on a background thread during the upload; it held the writes up. Writeback started
/// this way does not wait and takes no lock the writer needs. Durability still comes from the fsync alone.
/// </remarks>
internal sealed class WritebackStream : Stream
{
    private const long Step = 8 * 1024 * 1024;
    private readonly FileStream _file;
    private long _written;
    private long _started;

    public WritebackStream(FileStream file)
    {
        _file = file;
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _written;

    public override long Position
    {
        get => _written;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _file.Write(buffer);
        _written += buffer.Length;
        if (_written - _started >= Step)
        {
            UnixFiles.StartWriteback(_file.SafeFileHandle, _started, _written - _started);
            _started = _written;
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush() => _file.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _file.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}

using System.Security.Cryptography;

namespace SecureDrop.Net.Cli.Backup;

/// <summary>
/// Reads at most a fixed number of bytes from a file and hashes them with SHA-256 on the way. A file that grows
/// while it is copied contributes only the length it had when opened; TarWriter sees a seekable stream of that
/// length, so it can write the entry's size before the bytes.
/// </summary>
internal sealed class HashingReadStream : Stream
{
    private readonly Stream _inner;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly long _length;
    private readonly Action<int>? _onRead;
    private long _position;

    public HashingReadStream(Stream inner, long length, Action<int>? onRead = null)
    {
        _inner = inner;
        _length = length;
        _onRead = onRead;
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    /// <summary>The SHA-256 of everything read, in lower-case hex; call after the whole length was read.</summary>
    public string Sha256()
    {
        if (_position != _length)
        {
            throw new IOException($"A file shrank while it was being backed up ({_position} of {_length} bytes read). Run the backup again.");
        }

        return Convert.ToHexStringLower(_hash.GetHashAndReset());
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var wanted = (int)Math.Min(buffer.Length, _length - _position);
        if (wanted <= 0)
        {
            return 0;
        }

        var read = _inner.Read(buffer[..wanted]);
        if (read == 0)
        {
            throw new IOException($"A file shrank while it was being backed up ({_position} of {_length} bytes read). Run the backup again.");
        }

        _hash.AppendData(buffer[..read]);
        _position += read;
        _onRead?.Invoke(read);
        return read;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => _length + offset,
        };
        return target == _position ? _position : throw new NotSupportedException("A backup source is read once, front to back.");
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}

using System.Buffers;
using System.Security.Cryptography;

namespace SecureDrop.Net.Custody.Submissions;

/// <summary>
/// A write-only stream for plaintext small enough to hold whole: a message shown on a page, a reply, a sealed item
/// header. Its memory is rented from the shared array pool and cleared when it grows and when it is disposed, so no
/// copy of the plaintext outlives its use.
/// </summary>
/// <remarks>
/// Threat: a memory dump, or a pooled array handed to other code, showing a tip after it was read. A
/// <see cref="MemoryStream"/> leaves each buffer it outgrows to the garbage collector uncleared and its
/// <c>ToArray()</c> makes one more copy; this never does either. Large content never belongs here: it streams
/// (the console's downloads go through bounded buffers of 64 KiB).
/// </remarks>
public sealed class PlaintextBuffer : WriteOnlyStream
{
    private byte[] _buffer;
    private int _length;

    /// <param name="capacity">What to rent at first: the plaintext's expected size (the ciphertext's, at most) avoids growing.</param>
    public PlaintextBuffer(int capacity = 4096)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Clamp(capacity, 256, Array.MaxLength));
    }

    /// <summary>What was written so far: valid until the next write or <see cref="Stream.Dispose()"/>.</summary>
    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public override long Length => _length;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_buffer.Length == 0, this);
        if (buffer.Length > _buffer.Length - _length)
        {
            Grow((long)_length + buffer.Length);
        }

        buffer.CopyTo(_buffer.AsSpan(_length));
        _length += buffer.Length;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _buffer.Length > 0)
        {
            CryptographicOperations.ZeroMemory(_buffer.AsSpan(0, _length));
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
            _length = 0;
        }

        base.Dispose(disposing);
    }

    private void Grow(long needed)
    {
        if (needed > Array.MaxLength)
        {
            throw new IOException("The plaintext is too large to hold in memory; it must be streamed.");
        }

        var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(Array.MaxLength, Math.Max(needed, 2L * _buffer.Length)));
        Written.CopyTo(larger);
        CryptographicOperations.ZeroMemory(_buffer.AsSpan(0, _length));
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}

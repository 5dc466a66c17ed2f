using System.Buffers;
using Microsoft.AspNetCore.WebUtilities;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Submissions;
using SecureDrop.Net.Crypto;

namespace SecureDrop.Net.Submission.Submissions;

/// <summary>
/// Streams one multipart part into one OpenPGP message in intake/, one chunk at a time: the plaintext is never
/// buffered beyond one chunk and never touches disk. On any failure the partial item is deleted.
/// </summary>
internal static class SectionEncryptor
{
    private const long CollectEveryBytes = 64 * 1024 * 1024;

    /// <summary>Encrypts one part into a new intake item; an empty part (an unused file input) yields nothing.</summary>
    public static async Task<EncryptedItem?> EncryptAsync(ItemFiles files, MultipartSection section, string literalName, bool isText, long budget, SharedMessageKey key, CancellationToken cancellationToken)
    {
        using var chunk = new UploadChunk();
        return await EncryptAsync(files, section, chunk, literalName, isText, budget, key, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<EncryptedItem?> EncryptAsync(ItemFiles files, MultipartSection section, UploadChunk chunk, string literalName, bool isText, long budget, SharedMessageKey key, CancellationToken cancellationToken)
    {
        var buffer = chunk.Buffer;
        var read = await section.Body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            return null;
        }

        var id = Ids.New();
        var writer = files.BeginIntake(id);
        long plaintextBytes = 0;
        var utf8 = isText ? new Utf8Check() : null;
        try
        {
            // Small buffers (16 KiB pieces, no pipeline thread) while the part arrives at Tor's speed; grown with the
            // read chunk once the part proves fast (UploadChunk), so a fast upload takes the encryptor's parallel path.
            var buffers = MessageBuffers.StartSmall();
            await using (var encryptor = MessageEncryptor.Open(writer.Stream, key, literalName, buffers))
            {
                do
                {
                    utf8?.Add(buffer.Span[..read]);
                    if (plaintextBytes + read > budget)
                    {
                        throw new BadHttpRequestException("Submission too large.", StatusCodes.Status413PayloadTooLarge);
                    }

                    await encryptor.WriteAsync(buffer[..read], cancellationToken).ConfigureAwait(false);
                    plaintextBytes += read;
                    if (plaintextBytes / CollectEveryBytes != (plaintextBytes - read) / CollectEveryBytes)
                    {
                        // The encryptor and the pipes leave short-lived garbage per chunk (~1 MiB per 64 MiB); left to
                        // its default budget (sized from the CPU cache) the GC lets a large upload grow the process by
                        // ~100 MiB before collecting. The services run with an 8 MiB young generation
                        // (ServiceEnvironment), which bounds that anyway; this bounds it where they do not. More often
                        // (every 8 MiB) it only stalled the encryption threads, which every collection suspends.
                        GC.Collect(0, GCCollectionMode.Forced, blocking: true);
                    }

                    buffer = chunk.AfterRead(read);
                    if (chunk.IsFast && !buffers.IsLarge)
                    {
                        buffers.Grow();
                    }

                    read = await section.Body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                }
                while (read > 0);
                utf8?.Finish();
            }

            await writer.CommitAsync().ConfigureAwait(false);
            return new EncryptedItem(id, writer, plaintextBytes);
        }
        catch
        {
            await writer.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}

/// <summary>
/// The chunk a part is read into. It starts at 16 KiB: at Tor's speeds a read brings a few KiB at a time, and a thousand
/// slow uploads in flight should not each hold a 256 KiB buffer. Once the part has brought <see cref="GrowAfterBytes"/>
/// at <see cref="FastBytesPerSecond"/> or more on average, it arrives faster than any Tor circuit carries (a few MiB/s
/// at best) and faster than one thread encrypts in small pieces: from then on it is read 256 KiB at a time and the
/// encryptor may take its parallel path. Whether one read filled the small chunk says nothing: a front end busy with a
/// thousand circuits finds 16 KiB waiting on a 64 KiB/s upload, and growing those cost 2 MiB and two threads each
/// (benchmarks/RESULTS.md, "Admission under attack", 2026-12-07). Pooled (a new 256 KiB array per part would be
/// large-object garbage) and cleared when it goes back.
/// </summary>
internal sealed class UploadChunk : IDisposable
{
    public const int SlowBytes = 16 * 1024;
    public const int FastBytes = 256 * 1024;
    public const long GrowAfterBytes = 4L * 1024 * 1024;
    public const long FastBytesPerSecond = 16L * 1024 * 1024;

    private readonly TimeProvider _time;
    private readonly long _started;
    private byte[] _rented = ArrayPool<byte>.Shared.Rent(SlowBytes);
    private long _received;

    public Memory<byte> Buffer { get; private set; }

    /// <summary>The part arrives faster than Tor's speeds: it has the large chunk.</summary>
    public bool IsFast => Buffer.Length == FastBytes;

    public UploadChunk(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _started = _time.GetTimestamp();
        Buffer = _rented.AsMemory(0, SlowBytes);
    }

    /// <summary>The buffer for the next read: the large one once the part has proved fast (see the class).</summary>
    public Memory<byte> AfterRead(int read)
    {
        _received += read;
        if (!IsFast && _received >= GrowAfterBytes
            && _received >= FastBytesPerSecond * _time.GetElapsedTime(_started).TotalSeconds)
        {
            var large = ArrayPool<byte>.Shared.Rent(FastBytes);
            ArrayPool<byte>.Shared.Return(_rented, clearArray: true);
            _rented = large;
            Buffer = large.AsMemory(0, FastBytes);
        }

        return Buffer;
    }

    public void Dispose() => ArrayPool<byte>.Shared.Return(_rented, clearArray: true);
}

/// <summary>An item committed in intake/, with the plaintext length counted while streaming.</summary>
internal sealed record EncryptedItem(string Id, IntakeItemWriter Writer, long PlaintextBytes);

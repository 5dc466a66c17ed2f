using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Submissions;
using SecureDrop.Net.Crypto;

namespace SecureDrop.Net.Submission.Submissions;

/// <summary>
/// Streams one multipart part into one OpenPGP message in intake/, 256 KiB at a time: the plaintext is never
/// buffered beyond one chunk and never touches disk. On any failure the partial item is deleted.
/// </summary>
internal static class SectionEncryptor
{
    private const int ChunkBytes = 256 * 1024;
    private const long CollectEveryBytes = 64 * 1024 * 1024;

    /// <summary>Encrypts one part into a new intake item; an empty part (an unused file input) yields nothing.</summary>
    public static async Task<EncryptedItem?> EncryptAsync(ItemFiles files, MultipartSection section, string literalName, bool isText, long budget, NewsroomPublicKey recipient, CancellationToken cancellationToken)
    {
        // Pooled (a new 256 KiB array per part would be large-object garbage) and cleared when it goes back.
        var rented = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            return await EncryptAsync(files, section, rented.AsMemory(0, ChunkBytes), literalName, isText, budget, recipient, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }
    }

    private static async Task<EncryptedItem?> EncryptAsync(ItemFiles files, MultipartSection section, Memory<byte> buffer, string literalName, bool isText, long budget, NewsroomPublicKey recipient, CancellationToken cancellationToken)
    {
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
            await using (var encryptor = MessageEncryptor.Open(writer.Stream, recipient, literalName))
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

/// <summary>An item committed in intake/, with the plaintext length counted while streaming.</summary>
internal sealed record EncryptedItem(string Id, IntakeItemWriter Writer, long PlaintextBytes);

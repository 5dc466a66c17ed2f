using System.Buffers;
using System.IO.Compression;
using System.Security.Cryptography;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Submissions;
using SecureDrop.Net.Crypto;
using SecureDrop.Net.Reviewer.Sessions;
using SecureDrop.Net.Vault.Audit;
using SecureDrop.Net.Vault.Sources;
using SecureDrop.Net.Vault.Submissions;

namespace SecureDrop.Net.Reviewer.Items;

/// <summary>
/// Every way an item leaves the console: decrypted, as the original ciphertext for an air-gapped machine, several
/// in one zip, or as a metadata-scrubbed copy. Used by the pages' links and by the JSON API alike; each download is
/// audit-logged and marks what it delivered as read. Responses are attachments, never sniffed or cached (the
/// security-headers middleware sends <c>nosniff</c> and <c>no-store</c> on everything).
/// </summary>
internal sealed class ItemDownloads
{
    public const int MaxZipItems = 500;
    private readonly ItemStore _submissions;
    private readonly SourceRecords _sources;
    private readonly SourceTriage _triage;
    private readonly ItemReader _reader;
    private readonly Scrubber _scrubber;
    private readonly AuditLog _audit;
    private readonly ILogger<ItemDownloads> _logger;

    public ItemDownloads(ItemStore submissions, SourceRecords sources, SourceTriage triage, ItemReader reader, Scrubber scrubber, AuditLog audit, ILogger<ItemDownloads> logger)
    {
        _submissions = submissions;
        _sources = sources;
        _triage = triage;
        _reader = reader;
        _scrubber = scrubber;
        _audit = audit;
        _logger = logger;
    }

    /// <summary>
    /// The item decrypted, streamed, with its length announced where its sealed header gives it. An item stored before
    /// headers existed is decrypted once, streamed as it is decrypted; that pass gives it its header. Its name is known
    /// only at the end of the decryption, so the attachment is named after the item unless it was all decrypted before
    /// the response had to start (up to one buffer). The source page and the API's conversation give such items their
    /// header when they list them, so a download rarely meets one.
    /// </summary>
    /// <param name="head">A HEAD request: the GET's status and headers only, with nothing decrypted, audited or marked read.</param>
    public async Task<IResult> DecryptedAsync(string id, UnlockedSession session, bool head, CancellationToken cancellationToken)
    {
        var item = await FindAsync(id, cancellationToken);
        if (item is null)
        {
            return Results.NotFound();
        }

        if (!head)
        {
            await _audit.RecordAsync(session.JournalistId, "download item", item.Id, cancellationToken);
        }

        ItemMetadata? header;
        try
        {
            // The sealed header is small and in the item's row; the literal packet's own name comes only at the end.
            header = item.Metadata is null ? null : _reader.OpenHeader(item, session);
            if (head)
            {
                // What a GET would find before its first byte: the file still stored.
                _reader.OpenCiphertext(item).Dispose();
                return PlaintextDownload.HeadersOnly("application/octet-stream", DownloadName(header?.FileName ?? "", item), header?.Size);
            }
        }
        catch (Exception exception) when (ItemRefusal(exception) is { } refusal)
        {
            return refusal;
        }

        DecryptedItem? learned = null;
        return new PlaintextDownload(
            sink => learned = _reader.DecryptTo(item, session, sink, cancellationToken),
            "application/octet-stream",
            () => DownloadName(header?.FileName ?? learned?.Name ?? "", item),
            header?.Size,
            item.Id,
            ItemRefusal,
            aborted => _triage.SetReadAsync(item.SourceId, [item.Id], read: true, aborted),
            header is not null ? null : done => learned is { } decrypted ? _reader.SealHeaderAsync(item, session, decrypted, done) : Task.CompletedTask,
            _logger);
    }

    /// <summary>The vault file as it is, for decryption with the newsroom key on an air-gapped machine.</summary>
    public async Task<IResult> CiphertextAsync(string id, UnlockedSession session, bool head, CancellationToken cancellationToken)
    {
        var item = await FindAsync(id, cancellationToken);
        if (item is null)
        {
            return Results.NotFound();
        }

        if (!head)
        {
            await _audit.RecordAsync(session.JournalistId, "download ciphertext", item.Id, cancellationToken);
        }

        try
        {
            return Results.File(_reader.OpenCiphertext(item), "application/pgp-encrypted", $"{item.Id}.gpg");
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return Problem(StatusCodes.Status404NotFound, "This item is no longer stored", "It is being deleted.");
        }
    }

    /// <summary>
    /// Several items of one source in one zip, streamed; each item's integrity is checked before it is added. A file
    /// stored before headers existed is decrypted once, into the zip, under a name made from its id (its own comes only
    /// at the end of its decryption); that pass gives it its header.
    /// </summary>
    public async Task<IResult> ZipAsync(string sourceId, IReadOnlyCollection<string> itemIds, UnlockedSession session, bool head, CancellationToken cancellationToken)
    {
        var source = Ids.IsWellFormed(sourceId) ? await _sources.GetAsync(sourceId, cancellationToken) : null;
        if (source is null)
        {
            return Results.NotFound();
        }

        var wanted = itemIds.Where(Ids.IsWellFormed).ToHashSet(StringComparer.Ordinal);
        var items = (await _submissions.ItemsOfSourceAsync(sourceId, cancellationToken)).Where(item => wanted.Contains(item.Id)).ToList();
        if (items.Count == 0 || items.Count != wanted.Count || wanted.Count != itemIds.Count)
        {
            return Problem(StatusCodes.Status400BadRequest, "Choose the items to download", "Select one or more items of this source, then download them as a zip.");
        }

        if (items.Count > MaxZipItems)
        {
            return Problem(StatusCodes.Status400BadRequest, "Too many items", $"A zip holds at most {MaxZipItems} items.");
        }

        // Files' names from their sealed headers (a message is "message.txt" whatever its header says).
        var headers = new Dictionary<string, ItemMetadata>(StringComparer.Ordinal);
        try
        {
            foreach (var item in items.Where(item => !item.IsMessage && item.Metadata is not null))
            {
                headers[item.Id] = _reader.OpenHeader(item, session);
            }
        }
        catch (CryptoException exception)
        {
            return Problem(StatusCodes.Status422UnprocessableEntity, "An item cannot be decrypted", exception.Message);
        }

        var zipName = ZipEntryName(source.Designation.Replace(' ', '-')) + ".zip";
        if (head)
        {
            return PlaintextDownload.HeadersOnly("application/zip", zipName, null);
        }

        await _audit.RecordAsync(session.JournalistId, "download zip", $"{sourceId} ({items.Count} items)", cancellationToken);
        var learned = new List<(StoredItem Item, DecryptedItem Decrypted)>();
        return new PlaintextDownload(
            sink => WriteZip(sink, items, headers, learned, session, cancellationToken),
            "application/zip",
            () => zipName,
            null,
            sourceId,
            exception => exception is CryptoException
                ? Problem(StatusCodes.Status422UnprocessableEntity, "An item cannot be decrypted", exception.Message)
                : ItemRefusal(exception),
            aborted => _triage.SetReadAsync(sourceId, [.. wanted], read: true, aborted),
            async done =>
            {
                foreach (var (item, decrypted) in learned)
                {
                    await _reader.SealHeaderAsync(item, session, decrypted, done);
                }
            },
            _logger);
    }

    /// <param name="head">
    /// A HEAD request: the GET's status and headers as far as they are known without running mat2 (the scrubbed copy's
    /// length is not); nothing decrypted, audited or marked read. An item stored before headers existed is named after its id.
    /// </param>
    public async Task<IResult> ScrubbedAsync(string id, UnlockedSession session, bool head, CancellationToken cancellationToken)
    {
        var item = await FindAsync(id, cancellationToken);
        if (item is null)
        {
            return Results.NotFound();
        }

        if (!_scrubber.Available)
        {
            return Problem(StatusCodes.Status501NotImplemented, "Metadata scrubbing is not installed", "Install Debian's mat2 on the console's machine to offer scrubbed copies.");
        }

        ItemMetadata? header;
        try
        {
            if (head)
            {
                _reader.OpenCiphertext(item).Dispose();
                if (item.Metadata is null)
                {
                    return PlaintextDownload.HeadersOnly("application/octet-stream", "scrubbed-" + DownloadName("", item), null);
                }
            }

            // An item stored before headers existed has its name from the one decryption the scrubbing needs anyway.
            header = item.Metadata is null ? null : _reader.OpenHeader(item, session);
        }
        catch (Exception exception) when (ItemRefusal(exception) is { } refusal)
        {
            return refusal;
        }

        if (header is not null && !_scrubber.Supports(header.FileName))
        {
            return Unscrubbable(header.FileName);
        }

        if (head)
        {
            return PlaintextDownload.HeadersOnly("application/octet-stream", "scrubbed-" + DownloadName(header!.FileName, item), null);
        }

        await _audit.RecordAsync(session.JournalistId, "download scrubbed", item.Id, cancellationToken);
        ScrubbedFile scrubbed;
        try
        {
            scrubbed = await _scrubber.ScrubAsync(item, header?.FileName, session, cancellationToken);
        }
        catch (Exception exception) when (ItemRefusal(exception) is { } refusal)
        {
            return refusal;
        }

        if (scrubbed.Learned is { } learned)
        {
            header = await _reader.SealHeaderAsync(item, session, learned, cancellationToken);
            if (scrubbed.Path is null && scrubbed.Error is null)
            {
                return Unscrubbable(header.FileName);
            }
        }

        if (scrubbed.Error is not null)
        {
            return Problem(StatusCodes.Status422UnprocessableEntity, "mat2 could not clean this file", scrubbed.Error);
        }

        await _triage.SetReadAsync(item.SourceId, [item.Id], read: true, cancellationToken);
        return Results.Stream(
            async output =>
            {
                await using var file = scrubbed.Open();
                await CopyClearingAsync(file, output, cancellationToken);
            },
            "application/octet-stream",
            "scrubbed-" + DownloadName(header!.FileName, item));
    }

    private static IResult Unscrubbable(string fileName) => Problem(StatusCodes.Status415UnsupportedMediaType, "mat2 cannot clean this kind of file",
        $"mat2 has no cleaner for files like “{fileName}”. Download the original, or the ciphertext for an air-gapped machine, and treat its metadata with care.");

    private async Task<StoredItem?> FindAsync(string id, CancellationToken cancellationToken) =>
        Ids.IsWellFormed(id) ? await _submissions.ItemAsync(id, cancellationToken) : null;

    /// <summary>
    /// Writes the zip to <paramref name="output"/>, each item checked as it is decrypted. On a failure neither the
    /// entry nor the archive is closed (no <c>using</c>): closing would write a data descriptor and a central directory
    /// after the cut, and the client must be left with a broken zip, never a well-formed one holding a cut item.
    /// </summary>
    private void WriteZip(Stream output, List<StoredItem> items, Dictionary<string, ItemMetadata> headers, List<(StoredItem, DecryptedItem)> learned, UnlockedSession session, CancellationToken cancellationToken)
    {
#pragma warning disable CA2000 // Disposed on success only, on purpose (see above); both hold nothing but managed memory.
        var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in items)
        {
            var baseName = item.IsMessage ? "message.txt" : ZipEntryName(headers.TryGetValue(item.Id, out var header) ? header.FileName : item.Id + ".bin");
            var name = $"{item.SubmissionNumber:D3}-{baseName}";
            for (var n = 2; !used.Add(name); n++)
            {
                name = $"{item.SubmissionNumber:D3}-{n}-{baseName}";
            }

            // Stored, not deflated: the files are the journalist's to compress, and the console's cores are better spent decrypting.
            var entryStream = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
            var decrypted = _reader.DecryptTo(item, session, entryStream, cancellationToken);
            entryStream.Dispose();
            if (item.Metadata is null)
            {
                learned.Add((item, decrypted));
            }
        }

        zip.Dispose();
#pragma warning restore CA2000
    }

    /// <summary>As <see cref="Stream.CopyToAsync(Stream, CancellationToken)"/>, whose pooled buffer goes back uncleared: this one is zeroed.</summary>
    private static async Task CopyClearingAsync(Stream from, Stream to, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(PlaintextRelay.ChunkBytes);
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>What a failure to read an item before its download started answers; null for anything else.</summary>
    private static IResult? ItemRefusal(Exception exception) => exception switch
    {
        CryptoException => Problem(StatusCodes.Status422UnprocessableEntity, "This item cannot be decrypted", exception.Message),
        FileNotFoundException or DirectoryNotFoundException => Problem(StatusCodes.Status404NotFound, "This item is no longer stored", "It is being deleted."),
        _ => null,
    };

    private static string DownloadName(string literalName, StoredItem item) =>
        string.IsNullOrWhiteSpace(literalName) ? item.Id + (item.IsMessage ? ".txt" : ".bin") : literalName;

    /// <summary>A name safe inside a zip on any system: no directories, no control or reserved characters.</summary>
    private static string ZipEntryName(string name)
    {
        var cleaned = new string([.. name.Select(c => char.IsControl(c) || c is '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|' ? '_' : c)]).Trim(' ', '.');
        return cleaned.Length == 0 ? "file" : cleaned;
    }

    private static IResult Problem(int status, string title, string detail) => Results.Problem(statusCode: status, title: title, detail: detail);
}

using System.Data.Common;
using System.Threading.Channels;
using Dapper;
using SecureDrop.Net.Core.Data;

namespace SecureDrop.Net.Core.Submissions;

/// <summary>Submission and item rows. They hold sizes of ciphertext and the key fingerprint, never names or content.</summary>
public sealed class SubmissionStore
{
    private const int MaxNumberingAttempts = 5;

    // Bounds one transaction (and the wait of the first submission in it) under a burst.
    private const int MaxBatch = 64;

    private readonly MetadataDatabase _database;
    private readonly TimeProvider _time;
    private readonly Channel<PendingRecord> _recordQueue = Channel.CreateUnbounded<PendingRecord>(new UnboundedChannelOptions { SingleReader = true });
    private int _writerStarted;

    public SubmissionStore(MetadataDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
    }

    /// <summary>
    /// Records a submission whose items are already committed in intake/, all or nothing. Submissions are numbered
    /// per source (1, 2, 3...) for the console's order; two arriving at once for one source retry on the number.
    /// </summary>
    /// <remarks>
    /// Group commit: submissions arriving together are written by one writer in one transaction, so a burst costs
    /// one durable commit (one fsync) per batch instead of one each, and writers in this process never queue on
    /// SQLite's lock (whose busy handler sleeps in steps of up to 100 ms: the front end's latency tail under load).
    /// Each call returns only once its rows are committed. Should a batch fail, its submissions are recorded each
    /// on its own (with the retries on the number), so one bad submission fails alone. Cancellation counts only until the submission is queued: after
    /// that it may already be committed, and the caller must know.
    /// </remarks>
    public Task RecordAsync(string sourceId, string submissionId, IReadOnlyList<NewItem> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        cancellationToken.ThrowIfCancellationRequested();
        var record = new PendingRecord(sourceId, submissionId, items);
        if (!_recordQueue.Writer.TryWrite(record))
        {
            throw new InvalidOperationException("The submission writer has stopped.");
        }

        if (Interlocked.CompareExchange(ref _writerStarted, 1, 0) == 0)
        {
            _ = Task.Run(WriteBatchesAsync, CancellationToken.None);
        }

        return record.Committed.Task;
    }

    /// <summary>The single writer: takes whatever is queued (up to a bound), commits it together, repeats.</summary>
    private async Task WriteBatchesAsync()
    {
        var reader = _recordQueue.Reader;
        var batch = new List<PendingRecord>(MaxBatch);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < MaxBatch && reader.TryRead(out var record))
            {
                batch.Add(record);
            }

            try
            {
                await CommitBatchAsync(batch).ConfigureAwait(false);
                batch.ForEach(record => record.Committed.TrySetResult());
            }
            catch (DbException)
            {
                // Side by side, as separate calls were before batching: an outage costs each the same wait, not the sum.
                await Task.WhenAll(batch.Select(RecordAloneAsync)).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // The writer must outlive any one failure: it is handed to the waiting callers.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                batch.ForEach(record => record.Committed.TrySetException(exception));
            }

            batch.Clear();
        }
    }

    private async Task CommitBatchAsync(List<PendingRecord> batch)
    {
        var day = CoarseTime.Today(_time);
        await using var connection = await _database.OpenAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        foreach (var record in batch)
        {
            await InsertAsync(connection, transaction, record, day).ConfigureAwait(false);
        }

        await transaction.CommitAsync().ConfigureAwait(false);
    }

    private async Task RecordAloneAsync(PendingRecord record)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await CommitBatchAsync([record]).ConfigureAwait(false);
                record.Committed.TrySetResult();
                return;
            }
            catch (DbException) when (attempt < MaxNumberingAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20 * attempt), _time).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Handed to the caller waiting for this submission.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                record.Committed.TrySetException(exception);
                return;
            }
        }
    }

    private static async Task InsertAsync(DbConnection connection, DbTransaction transaction, PendingRecord record, string day)
    {
        var (sourceId, submissionId, items) = (record.SourceId, record.SubmissionId, record.Items);
        await connection.ExecuteAsync(
            """
            INSERT INTO submissions (id, source_id, number, received_day, state)
            VALUES (@submissionId, @sourceId, (SELECT coalesce(max(number), 0) + 1 FROM submissions WHERE source_id = @sourceId), @day, 'intake')
            """,
            new { submissionId, sourceId, day }, transaction).ConfigureAwait(false);
        await connection.ExecuteAsync(
            """
            INSERT INTO items (id, submission_id, position, kind, ciphertext_bytes, newsroom_key, metadata)
            VALUES (@Id, @SubmissionId, @Position, @Kind, @CiphertextBytes, @NewsroomKey, @Metadata)
            """,
            items.Select((item, position) => new
            {
                item.Id,
                SubmissionId = submissionId,
                Position = position,
                Kind = item.Kind == ItemKind.Message ? "message" : "file",
                item.CiphertextBytes,
                item.NewsroomKey,
                item.Metadata,
            }),
            transaction).ConfigureAwait(false);
        await connection.ExecuteAsync(
            "UPDATE sources SET last_activity_day = @day WHERE id = @sourceId", new { day, sourceId }, transaction).ConfigureAwait(false);
    }

    private sealed record PendingRecord(string SourceId, string SubmissionId, IReadOnlyList<NewItem> Items)
    {
        public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public async Task<IReadOnlyList<string>> ItemIdsAsync(string submissionId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var ids = await connection.QueryAsync<string>(
            "SELECT id FROM items WHERE submission_id = @submissionId ORDER BY position", new { submissionId }).ConfigureAwait(false);
        return ids.AsList();
    }

    /// <summary>Submissions recorded but not yet ingested: each should have an ingest job on its way.</summary>
    public async Task<IReadOnlyList<string>> InIntakeAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await connection.QueryAsync<string>("SELECT id FROM submissions WHERE state = 'intake'").ConfigureAwait(false)).AsList();
    }

    /// <summary>Every item id the metadata knows, to tell orphaned files from recorded ones.</summary>
    public async Task<IReadOnlySet<string>> AllItemIdsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await connection.QueryAsync<string>("SELECT id FROM items").ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Item ids of every submission of a source, for deletion.</summary>
    public async Task<IReadOnlyList<string>> ItemIdsOfSourceAsync(string sourceId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await connection.QueryAsync<string>(
            "SELECT i.id FROM items i JOIN submissions s ON s.id = i.submission_id WHERE s.source_id = @sourceId", new { sourceId }).ConfigureAwait(false)).AsList();
    }

    /// <summary>Removes a submission's rows (its items go with it) and its share of the source's counters. Call after its files are erased.</summary>
    public async Task DeleteSubmissionRowsAsync(string submissionId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(
            """
            UPDATE sources SET
                ready_submissions = ready_submissions - (SELECT count(*) FROM submissions WHERE id = @submissionId AND state = 'ready'),
                unread_items = unread_items - (SELECT count(*) FROM items i JOIN submissions s ON s.id = i.submission_id
                                               WHERE s.id = @submissionId AND s.state = 'ready' AND i.is_read = @no)
            WHERE id = (SELECT source_id FROM submissions WHERE id = @submissionId)
            """,
            new { submissionId, no = false }, transaction).ConfigureAwait(false);
        await connection.ExecuteAsync("DELETE FROM items WHERE submission_id = @submissionId", new { submissionId }, transaction).ConfigureAwait(false);
        await connection.ExecuteAsync("DELETE FROM submissions WHERE id = @submissionId", new { submissionId }, transaction).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Submissions received before the given day (ISO yyyy-MM-dd), for retention.</summary>
    public async Task<IReadOnlyList<string>> ReceivedBeforeAsync(string day, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await connection.QueryAsync<string>("SELECT id FROM submissions WHERE received_day < @day", new { day }).ConfigureAwait(false)).AsList();
    }

    /// <summary>
    /// Marks an ingested submission ready and counts it and its items (unread) on its source, once: a repeated
    /// ingest finds it ready already and changes nothing. Returns whether it became ready now. Derived state (see
    /// <see cref="MetadataDatabase.RelaxDurabilityAsync"/>): lost to a power cut, the reconcile job redoes it.
    /// </summary>
    public async Task<bool> MarkReadyAsync(string submissionId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await _database.RelaxDurabilityAsync(connection).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var changed = await connection.ExecuteAsync(
            "UPDATE submissions SET state = 'ready' WHERE id = @submissionId AND state = 'intake'", new { submissionId }, transaction).ConfigureAwait(false);
        if (changed == 1)
        {
            await connection.ExecuteAsync(
                """
                UPDATE sources SET ready_submissions = ready_submissions + 1,
                    unread_items = unread_items + (SELECT count(*) FROM items WHERE submission_id = @submissionId AND is_read = @no)
                WHERE id = (SELECT source_id FROM submissions WHERE id = @submissionId)
                """,
                new { submissionId, no = false }, transaction).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return changed == 1;
    }

    /// <summary>Stores a sealed header for an item written before headers existed, so it is opened only once.</summary>
    public async Task SetMetadataAsync(string itemId, byte[] metadata, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("UPDATE items SET metadata = @metadata WHERE id = @itemId AND metadata IS NULL", new { itemId, metadata }).ConfigureAwait(false);
    }

    /// <summary>Every ready item of a source, in the order it was sent.</summary>
    public async Task<IReadOnlyList<StoredItem>> ItemsOfSourceAsync(string sourceId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<StoredItem>(
            SelectItems + " WHERE s.source_id = @sourceId AND s.state = 'ready' ORDER BY s.number, i.position",
            new { sourceId }).ConfigureAwait(false);
        return rows.AsList();
    }

    /// <summary>Every item ready in the vault, for export.</summary>
    public async Task<IReadOnlyList<StoredItem>> AllReadyItemsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<StoredItem>(
            SelectItems + " WHERE s.state = 'ready' ORDER BY s.source_id, s.number, i.position").ConfigureAwait(false);
        return rows.AsList();
    }

    public async Task<StoredItem?> ItemAsync(string itemId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QuerySingleOrDefaultAsync<StoredItem>(
            SelectItems + " WHERE i.id = @itemId AND s.state = 'ready'", new { itemId }).ConfigureAwait(false);
    }

    /// <summary>The fingerprint of the newsroom key an item (in any state) is encrypted to, or null if there is no such item.</summary>
    public async Task<string?> ItemKeyAsync(string itemId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QuerySingleOrDefaultAsync<string>(
            "SELECT newsroom_key FROM items WHERE id = @itemId", new { itemId }).ConfigureAwait(false);
    }

    /// <summary>Records that an item was re-wrapped, only if it is still on the key it was re-wrapped from.</summary>
    public async Task<bool> SetItemKeyAsync(string itemId, string fromKey, string toKey, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(
            "UPDATE items SET newsroom_key = @toKey WHERE id = @itemId AND newsroom_key = @fromKey",
            new { itemId, fromKey, toKey }).ConfigureAwait(false) == 1;
    }

    /// <summary>How many items (in any state) are encrypted to each newsroom key, by fingerprint.</summary>
    public async Task<IReadOnlyDictionary<string, long>> ItemCountsByKeyAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(string Key, long Count)>(
            "SELECT newsroom_key, count(*) FROM items GROUP BY newsroom_key").ConfigureAwait(false);
        return rows.ToDictionary(r => r.Key, r => r.Count, StringComparer.Ordinal);
    }

    /// <summary>An item's sealed metadata header (in any state), or null when it has none or there is no such item.</summary>
    public async Task<byte[]?> MetadataAsync(string itemId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QuerySingleOrDefaultAsync<byte[]>(
            "SELECT metadata FROM items WHERE id = @itemId", new { itemId }).ConfigureAwait(false);
    }

    /// <summary>Replaces a re-wrapped metadata header, only if it is still the header that was re-wrapped.</summary>
    public async Task<bool> ReplaceMetadataAsync(string itemId, byte[] from, byte[] to, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(
            "UPDATE items SET metadata = @to WHERE id = @itemId AND metadata = @from",
            new { itemId, from, to }).ConfigureAwait(false) == 1;
    }

    /// <summary>Every item's sealed metadata header (items in any state that have one), to see which keys they need.</summary>
    public async Task<IReadOnlyList<(string ItemId, byte[] Metadata)>> MetadataHeadersAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await connection.QueryAsync<(string, byte[])>(
            "SELECT id, metadata FROM items WHERE metadata IS NOT NULL ORDER BY id").ConfigureAwait(false)).AsList();
    }

    /// <summary>Ready items (in the vault) not on the given key: what a re-wrap to that key has to do.</summary>
    public async Task<IReadOnlyList<string>> ReadyItemsNotOnKeyAsync(string fingerprint, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await connection.QueryAsync<string>(
            "SELECT i.id FROM items i JOIN submissions s ON s.id = i.submission_id WHERE s.state = 'ready' AND i.newsroom_key <> @fingerprint ORDER BY i.id",
            new { fingerprint }).ConfigureAwait(false)).AsList();
    }

    private const string SelectItems = """
        SELECT i.id AS Id, i.submission_id AS SubmissionId, s.source_id AS SourceId, i.kind AS Kind,
               i.ciphertext_bytes AS CiphertextBytes, i.newsroom_key AS NewsroomKey, s.received_day AS ReceivedDay,
               s.number AS SubmissionNumber, i.metadata AS Metadata, i.is_read AS IsRead
        FROM items i JOIN submissions s ON s.id = i.submission_id
        """;
}

public enum ItemKind
{
    Message,
    File,
}

/// <param name="Metadata">The item's sealed <see cref="ItemMetadata"/> header, or null where none was written.</param>
public sealed record NewItem(string Id, ItemKind Kind, long CiphertextBytes, string NewsroomKey, byte[]? Metadata = null);

public sealed class StoredItem
{
    public string Id { get; set; } = "";

    public string SubmissionId { get; set; } = "";

    public string SourceId { get; set; } = "";

    public string Kind { get; set; } = "";

    public long CiphertextBytes { get; set; }

    public string NewsroomKey { get; set; } = "";

    public string ReceivedDay { get; set; } = "";

    public int SubmissionNumber { get; set; }

    /// <summary>The sealed <see cref="ItemMetadata"/> header; null for items stored before headers existed.</summary>
    public byte[]? Metadata { get; set; }

    public bool IsRead { get; set; }

    public bool IsMessage => Kind == "message";
}

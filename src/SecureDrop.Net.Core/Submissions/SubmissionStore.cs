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
}

public enum ItemKind
{
    Message,
    File,
}

/// <param name="Metadata">The item's sealed <see cref="ItemMetadata"/> header, or null where none was written.</param>
public sealed record NewItem(string Id, ItemKind Kind, long CiphertextBytes, string NewsroomKey, byte[]? Metadata = null);

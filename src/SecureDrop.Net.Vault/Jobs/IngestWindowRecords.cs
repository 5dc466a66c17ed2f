using Dapper;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Sources;
using SecureDrop.Net.Core.Submissions;

namespace SecureDrop.Net.Vault.Jobs;

/// <summary>
/// The rows of one ingest window, in one transaction, in the order given (the caller shuffles it): new sources,
/// then each submission with its items, numbered per source in that order, and its source's counters.
/// </summary>
internal sealed class IngestWindowRecords(MetadataDatabase database)
{
    /// <summary>Returns the submissions now recorded (just now, or by an earlier run that crashed before cleaning up).</summary>
    public async Task<IReadOnlySet<string>> RecordAsync((IntakeEnvelope Envelope, string Day)[] rows, PendingSource[] sources)
    {
        var recorded = new HashSet<string>(StringComparer.Ordinal);
        await using var connection = await database.OpenAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        var sourceIds = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            sourceIds[source.Id] = await SourceStore.InsertAsync(connection, transaction, source, CoarseTime.Day(source.Written)).ConfigureAwait(false);
        }

        foreach (var (envelope, day) in rows)
        {
            var sourceId = sourceIds.GetValueOrDefault(envelope.SourceId, envelope.SourceId);
            if (await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM submissions WHERE id = @SubmissionId", envelope, transaction).ConfigureAwait(false) > 0)
            {
                recorded.Add(envelope.SubmissionId);
                continue;
            }

            if (await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM sources WHERE id = @sourceId", new { sourceId }, transaction).ConfigureAwait(false) == 0)
            {
                continue;
            }

            await connection.ExecuteAsync(
                """
                INSERT INTO submissions (id, source_id, number, received_day, state)
                VALUES (@id, @sourceId, (SELECT coalesce(max(number), 0) + 1 FROM submissions WHERE source_id = @sourceId), @day, 'ready')
                """,
                new { id = envelope.SubmissionId, sourceId, day }, transaction).ConfigureAwait(false);
            await connection.ExecuteAsync(
                """
                INSERT INTO items (id, submission_id, position, kind, ciphertext_bytes, newsroom_key, metadata)
                VALUES (@Id, @SubmissionId, @Position, @Kind, @CiphertextBytes, @NewsroomKey, @Metadata)
                """,
                envelope.Items.Select((item, position) => new
                {
                    item.Id,
                    envelope.SubmissionId,
                    Position = position,
                    Kind = item.Kind == ItemKind.Message ? "message" : "file",
                    item.CiphertextBytes,
                    item.NewsroomKey,
                    item.Metadata,
                }),
                transaction).ConfigureAwait(false);
            await connection.ExecuteAsync(
                """
                UPDATE sources SET ready_submissions = ready_submissions + 1, unread_items = unread_items + @count,
                    last_activity_day = CASE WHEN last_activity_day < @day THEN @day ELSE last_activity_day END
                WHERE id = @sourceId
                """,
                new { count = envelope.Items.Count, day, sourceId }, transaction).ConfigureAwait(false);
            recorded.Add(envelope.SubmissionId);
        }

        await transaction.CommitAsync().ConfigureAwait(false);
        return recorded;
    }
}

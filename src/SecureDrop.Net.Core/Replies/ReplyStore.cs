using System.Data.Common;
using Dapper;
using SecureDrop.Net.Core.Data;

namespace SecureDrop.Net.Core.Replies;

/// <summary>
/// Reply rows: ids, the reply's number for its source, the submission it follows in the conversation, a coarse
/// day, the ciphertext size and the newsroom key it was also encrypted to. Never content. The console adds them;
/// the front end reads a signed-in source's own and marks them deleted; the delete job removes them.
/// </summary>
public sealed class ReplyStore
{
    private const int MaxNumberingAttempts = 5;
    private readonly MetadataDatabase _database;
    private readonly TimeProvider _time;

    public ReplyStore(MetadataDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
    }

    /// <summary>Records a reply whose ciphertext is already in the vault; numbers race like submissions do, and retry.</summary>
    public async Task AddAsync(string sourceId, string replyId, long ciphertextBytes, string newsroomKey, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
                await connection.ExecuteAsync(
                    """
                    INSERT INTO replies (id, source_id, number, after_submission, sent_day, ciphertext_bytes, newsroom_key, deleted)
                    VALUES (@replyId, @sourceId,
                            (SELECT coalesce(max(number), 0) + 1 FROM replies WHERE source_id = @sourceId),
                            (SELECT coalesce(max(number), 0) FROM submissions WHERE source_id = @sourceId),
                            @day, @ciphertextBytes, @newsroomKey, @deleted)
                    """,
                    new { replyId, sourceId, day = CoarseTime.Today(_time), ciphertextBytes, newsroomKey, deleted = false }).ConfigureAwait(false);
                return;
            }
            catch (DbException) when (attempt < MaxNumberingAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20 * attempt), _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A source's replies that it has not deleted, oldest first.</summary>
    public async Task<IReadOnlyList<StoredReply>> OfSourceAsync(string sourceId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await connection.QueryAsync<StoredReply>(
            Select + " WHERE source_id = @sourceId AND deleted = @deleted ORDER BY number",
            new { sourceId, deleted = false }).ConfigureAwait(false)).AsList();
    }

    /// <summary>
    /// The source's own reply, marked deleted so it disappears at once; the delete job then erases file and row.
    /// False when the reply is not this source's, or already deleted.
    /// </summary>
    public async Task<bool> MarkDeletedAsync(string sourceId, string replyId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(
            "UPDATE replies SET deleted = @deleted WHERE id = @replyId AND source_id = @sourceId AND deleted = @notDeleted",
            new { replyId, sourceId, deleted = true, notDeleted = false }).ConfigureAwait(false) == 1;
    }

    /// <summary>Replies marked deleted whose delete job has not finished (for reconcile to queue again).</summary>
    public async Task<IReadOnlyList<string>> MarkedDeletedAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await connection.QueryAsync<string>("SELECT id FROM replies WHERE deleted = @deleted", new { deleted = true }).ConfigureAwait(false)).AsList();
    }

    /// <summary>Every reply id of a source, deleted or not, for deleting the source.</summary>
    public async Task<IReadOnlyList<string>> IdsOfSourceAsync(string sourceId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await connection.QueryAsync<string>("SELECT id FROM replies WHERE source_id = @sourceId", new { sourceId }).ConfigureAwait(false)).AsList();
    }

    /// <summary>Every reply id, so their vault files are not taken for unclaimed items.</summary>
    public async Task<IReadOnlySet<string>> AllIdsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await connection.QueryAsync<string>("SELECT id FROM replies").ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The fingerprint of the newsroom key a reply is also encrypted to, or null if there is no such reply.</summary>
    public async Task<string?> KeyAsync(string replyId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QuerySingleOrDefaultAsync<string>(
            "SELECT newsroom_key FROM replies WHERE id = @replyId", new { replyId }).ConfigureAwait(false);
    }

    /// <summary>Records that a reply was re-wrapped, only if it is still on the key it was re-wrapped from.</summary>
    public async Task<bool> SetKeyAsync(string replyId, string fromKey, string toKey, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(
            "UPDATE replies SET newsroom_key = @toKey WHERE id = @replyId AND newsroom_key = @fromKey",
            new { replyId, fromKey, toKey }).ConfigureAwait(false) == 1;
    }

    /// <summary>How many replies (deleted or not) are encrypted to each newsroom key, by fingerprint.</summary>
    public async Task<IReadOnlyDictionary<string, long>> CountsByKeyAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(string Key, long Count)>(
            "SELECT newsroom_key, count(*) FROM replies GROUP BY newsroom_key").ConfigureAwait(false);
        return rows.ToDictionary(r => r.Key, r => r.Count, StringComparer.Ordinal);
    }

    /// <summary>Replies not on the given key: what a re-wrap to that key has to do for replies.</summary>
    public async Task<IReadOnlyList<string>> NotOnKeyAsync(string fingerprint, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await connection.QueryAsync<string>(
            "SELECT id FROM replies WHERE newsroom_key <> @fingerprint ORDER BY id", new { fingerprint }).ConfigureAwait(false)).AsList();
    }

    /// <summary>Removes a reply's row. Call after its file is erased.</summary>
    public async Task DeleteRowAsync(string replyId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("DELETE FROM replies WHERE id = @replyId", new { replyId }).ConfigureAwait(false);
    }

    private const string Select = """
        SELECT id AS Id, source_id AS SourceId, number AS Number, after_submission AS AfterSubmission, sent_day AS SentDay,
               ciphertext_bytes AS CiphertextBytes, newsroom_key AS NewsroomKey
        FROM replies
        """;
}

public sealed class StoredReply
{
    public string Id { get; set; } = "";

    public string SourceId { get; set; } = "";

    public int Number { get; set; }

    /// <summary>How many submissions the source had sent when the reply was written: it follows that one.</summary>
    public int AfterSubmission { get; set; }

    public string SentDay { get; set; } = "";

    public long CiphertextBytes { get; set; }

    public string NewsroomKey { get; set; } = "";
}

using Dapper;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Crypto;

namespace SecureDrop.Net.Core.Sources;

/// <summary>Source rows: an opaque id, the codename's lookup id, and a designation for journalists.</summary>
public sealed class SourceStore
{
    private const int DesignationAttempts = 20;
    private readonly MetadataDatabase _database;
    private readonly TimeProvider _time;

    public SourceStore(MetadataDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
    }

    /// <summary>Creates a source; pass its reply key's stored halves (see <see cref="Replies.SourceReplyKeys.Create"/>).</summary>
    public async Task<string> CreateAsync(string lookupId, CancellationToken cancellationToken = default) =>
        await CreateAsync(lookupId, null, null, cancellationToken).ConfigureAwait(false);

    public async Task<string> CreateAsync(string lookupId, byte[]? replyPublicKey, byte[]? replySecretSealed, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var designation = Designation.Generate();
        for (var attempt = 0; attempt < DesignationAttempts; attempt++)
        {
            var taken = await connection.ExecuteScalarAsync<long>(
                "SELECT count(*) FROM sources WHERE designation = @designation", new { designation }).ConfigureAwait(false);
            if (taken == 0)
            {
                break;
            }

            designation = Designation.Generate();
        }

        var id = Ids.New();
        var day = CoarseTime.Today(_time);
        await connection.ExecuteAsync(
            """
            INSERT INTO sources (id, lookup_id, designation, created_day, last_activity_day, reply_public_key, reply_secret_sealed)
            VALUES (@id, @lookupId, @designation, @day, @day, @replyPublicKey, @replySecretSealed)
            """,
            new { id, lookupId, designation, day, replyPublicKey, replySecretSealed }).ConfigureAwait(false);
        return id;
    }

    public async Task<string?> FindIdByLookupAsync(string lookupId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<string?>(
            "SELECT id FROM sources WHERE lookup_id = @lookupId", new { lookupId }).ConfigureAwait(false);
    }

    /// <summary>Removes a source's rows, its submissions, items and replies with them. Call after their files are erased.</summary>
    public async Task DeleteRowsAsync(string sourceId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(
            "DELETE FROM items WHERE submission_id IN (SELECT id FROM submissions WHERE source_id = @sourceId)", new { sourceId }, transaction).ConfigureAwait(false);
        await connection.ExecuteAsync("DELETE FROM submissions WHERE source_id = @sourceId", new { sourceId }, transaction).ConfigureAwait(false);
        await connection.ExecuteAsync("DELETE FROM replies WHERE source_id = @sourceId", new { sourceId }, transaction).ConfigureAwait(false);
        await connection.ExecuteAsync("DELETE FROM sources WHERE id = @sourceId", new { sourceId }, transaction).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sources with no submission whose last activity was before the given day: abandoned after /generate, or
    /// emptied by retention.
    /// </summary>
    public async Task<IReadOnlyList<string>> WithoutSubmissionsSinceAsync(string day, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await connection.QueryAsync<string>(
            "SELECT s.id FROM sources s WHERE s.last_activity_day < @day AND NOT EXISTS (SELECT 1 FROM submissions sub WHERE sub.source_id = s.id)",
            new { day }).ConfigureAwait(false)).AsList();
    }

    public async Task<SourceSummary?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QuerySingleOrDefaultAsync<SourceSummary>(
            """
            SELECT s.id AS Id, s.designation AS Designation, s.last_activity_day AS LastActivityDay,
                   s.ready_submissions AS SubmissionCount, s.starred AS Starred, s.status AS Status, s.unread_items AS UnreadItems
            FROM sources s WHERE s.id = @id
            """,
            new { id }).ConfigureAwait(false);
    }
}

public sealed class SourceSummary
{
    public string Id { get; set; } = "";

    public string Designation { get; set; } = "";

    public string LastActivityDay { get; set; } = "";

    public long SubmissionCount { get; set; }

    public bool Starred { get; set; }

    public string Status { get; set; } = SourceStatus.New;

    public long UnreadItems { get; set; }

    public IReadOnlyList<string> Labels { get; set; } = [];
}

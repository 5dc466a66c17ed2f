using Dapper;
using SecureDrop.Net.Core.Data;

namespace SecureDrop.Net.Vault.Sources;

/// <summary>
/// Source rows as the vault side uses them: the console's summary of one source, and deletion and retention in the
/// worker. The front end's side (create, find by lookup id) is <see cref="Core.Sources.SourceStore"/>.
/// </summary>
public sealed class SourceRecords
{
    private readonly MetadataDatabase _database;

    public SourceRecords(MetadataDatabase database)
    {
        _database = database;
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

using Dapper;
using SecureDrop.Net.Core.Data;

namespace SecureDrop.Net.Vault.Submissions;

/// <summary>
/// Item and submission rows as the vault side uses them: ingest and reconcile (worker), the console's lists,
/// deletion and retention. The front end records submissions in intake/ (<see cref="Core.Submissions.IntakeLedger"/>)
/// and the ingest window job writes their rows; the re-wrap queries are SecureDrop.Net.Custody's. They hold sizes
/// of ciphertext and the key fingerprint, never names or content.
/// </summary>
public sealed class ItemStore
{
    private readonly MetadataDatabase _database;

    public ItemStore(MetadataDatabase database)
    {
        _database = database;
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

    private const string SelectItems = """
        SELECT i.id AS Id, i.submission_id AS SubmissionId, s.source_id AS SourceId, i.kind AS Kind,
               i.ciphertext_bytes AS CiphertextBytes, i.newsroom_key AS NewsroomKey, s.received_day AS ReceivedDay,
               s.number AS SubmissionNumber, i.metadata AS Metadata, i.is_read AS IsRead
        FROM items i JOIN submissions s ON s.id = i.submission_id
        """;
}

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

    /// <summary>The sealed ItemMetadata header; null for items stored before headers existed.</summary>
    public byte[]? Metadata { get; set; }

    public bool IsRead { get; set; }

    public bool IsMessage => Kind == "message";
}

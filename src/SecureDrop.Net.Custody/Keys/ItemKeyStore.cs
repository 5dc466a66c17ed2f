using Dapper;
using SecureDrop.Net.Core.Data;

namespace SecureDrop.Net.Custody.Keys;

/// <summary>
/// Which newsroom key each item and sealed header is on, for key usage and re-wrapping: the item-row queries
/// only key custody needs.
/// </summary>
public sealed class ItemKeyStore
{
    private readonly MetadataDatabase _database;

    public ItemKeyStore(MetadataDatabase database)
    {
        _database = database;
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

    /// <summary>An item's sealed metadata header (in any state), or null when it has none or there is no such item.</summary>
    public async Task<byte[]?> MetadataAsync(string itemId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QuerySingleOrDefaultAsync<byte[]>(
            "SELECT metadata FROM items WHERE id = @itemId", new { itemId }).ConfigureAwait(false);
    }
}

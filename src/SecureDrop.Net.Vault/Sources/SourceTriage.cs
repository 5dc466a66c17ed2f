using System.Text.RegularExpressions;
using Dapper;
using SecureDrop.Net.Core.Data;

namespace SecureDrop.Net.Vault.Sources;

/// <summary>
/// Journalists' working state on sources: stars, a status, labels and which items have been read. Read flags
/// move the source's unread counter in the same transaction, so the list never has to count items.
/// </summary>
public sealed partial class SourceTriage
{
    public const int MaxLabelsPerSource = 20;
    private readonly MetadataDatabase _database;

    public SourceTriage(MetadataDatabase database)
    {
        _database = database;
    }

    public async Task<bool> SetStarredAsync(string sourceId, bool starred, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync("UPDATE sources SET starred = @starred WHERE id = @sourceId", new { sourceId, starred }).ConfigureAwait(false) == 1;
    }

    public async Task<bool> SetStatusAsync(string sourceId, string status, CancellationToken cancellationToken = default)
    {
        if (!SourceStatus.IsKnown(status))
        {
            throw new ArgumentException("Not a source status.", nameof(status));
        }

        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync("UPDATE sources SET status = @status WHERE id = @sourceId", new { sourceId, status }).ConfigureAwait(false) == 1;
    }

    /// <summary>Adds a label (already normalised by <see cref="NormalizeLabel"/>); false when the source has too many.</summary>
    public async Task<bool> AddLabelAsync(string sourceId, string label, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var labels = await connection.QueryAsync<string>("SELECT label FROM source_labels WHERE source_id = @sourceId", new { sourceId }, transaction).ConfigureAwait(false);
        if (labels.Contains(label, StringComparer.Ordinal))
        {
            return true;
        }

        if (labels.Count() >= MaxLabelsPerSource)
        {
            return false;
        }

        await connection.ExecuteAsync("INSERT INTO source_labels (source_id, label) VALUES (@sourceId, @label)", new { sourceId, label }, transaction).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task RemoveLabelAsync(string sourceId, string label, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("DELETE FROM source_labels WHERE source_id = @sourceId AND label = @label", new { sourceId, label }).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> LabelsOfAsync(string sourceId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await connection.QueryAsync<string>("SELECT label FROM source_labels WHERE source_id = @sourceId ORDER BY label", new { sourceId }).ConfigureAwait(false)).AsList();
    }

    /// <summary>Every label in use, for the list's filter.</summary>
    public async Task<IReadOnlyList<string>> AllLabelsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await connection.QueryAsync<string>("SELECT DISTINCT label FROM source_labels ORDER BY label").ConfigureAwait(false)).AsList();
    }

    /// <summary>
    /// Marks ready items of one source read or unread: the given ones, or all of the source's when
    /// <paramref name="itemIds"/> is null. Items of other sources are ignored. Returns how many changed.
    /// </summary>
    public async Task<int> SetReadAsync(string sourceId, IReadOnlyCollection<string>? itemIds, bool read, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var which = itemIds is null ? "" : " AND " + _database.IsAnyOf("id", "itemIds");
        var changed = await connection.ExecuteAsync(
            "UPDATE items SET is_read = @read WHERE is_read = @wasRead" + which
            + " AND submission_id IN (SELECT id FROM submissions WHERE source_id = @sourceId AND state = 'ready')",
            new { sourceId, read, wasRead = !read, itemIds = itemIds?.ToArray() }, transaction).ConfigureAwait(false);
        if (changed > 0)
        {
            await connection.ExecuteAsync(
                "UPDATE sources SET unread_items = unread_items + @delta WHERE id = @sourceId",
                new { sourceId, delta = read ? -changed : changed }, transaction).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return changed;
    }

    /// <summary>Trims and lower-cases a label; null when it is empty, longer than 40 characters, or has other than letters, digits, space, dash, underscore.</summary>
    public static string? NormalizeLabel(string? label)
    {
        var text = (label ?? "").Trim().ToLowerInvariant();
        return LabelPattern().IsMatch(text) ? text : null;
    }

    [GeneratedRegex(@"^[\p{L}\p{Nd}][\p{L}\p{Nd} _-]{0,39}$")]
    private static partial Regex LabelPattern();
}

/// <summary>Where journalists are with a source.</summary>
public static class SourceStatus
{
    public const string New = "new";
    public const string InProgress = "in-progress";
    public const string Closed = "closed";

    public static IReadOnlyList<string> All { get; } = [New, InProgress, Closed];

    public static bool IsKnown(string? status) => status is New or InProgress or Closed;

    public static string Display(string status) => status switch
    {
        InProgress => "in progress",
        _ => status,
    };
}

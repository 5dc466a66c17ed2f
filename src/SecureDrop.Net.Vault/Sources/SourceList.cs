using System.Globalization;
using Dapper;
using SecureDrop.Net.Core.Data;

namespace SecureDrop.Net.Vault.Sources;

/// <summary>
/// The console's sources list: sources with at least one ready submission, starred first, then most recently
/// active. Paging is by keyset (the last row's star, day and id), so every page is a seek into
/// <c>ix_sources_list</c> and costs the same with ten thousand sources as with ten.
/// </summary>
public sealed class SourceList
{
    public const int PageSize = 50;
    private readonly MetadataDatabase _database;

    public SourceList(MetadataDatabase database)
    {
        _database = database;
    }

    public async Task<SourceListPage> PageAsync(SourceFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var sql = new System.Text.StringBuilder(
            """
            SELECT s.id AS Id, s.designation AS Designation, s.last_activity_day AS LastActivityDay,
                   s.ready_submissions AS SubmissionCount, s.starred AS Starred, s.status AS Status, s.unread_items AS UnreadItems
            FROM sources s WHERE s.ready_submissions > 0
            """);
        var parameters = new DynamicParameters();
        if (filter.StarredOnly)
        {
            sql.Append(" AND s.starred = @yes");
            parameters.Add("yes", true);
        }

        if (filter.UnreadOnly)
        {
            sql.Append(" AND s.unread_items > 0");
        }

        if (filter.Status is not null)
        {
            sql.Append(" AND s.status = @status");
            parameters.Add("status", filter.Status);
        }

        if (filter.Label is not null)
        {
            sql.Append(" AND EXISTS (SELECT 1 FROM source_labels l WHERE l.source_id = s.id AND l.label = @label)");
            parameters.Add("label", filter.Label);
        }

        if (filter.After is { } after)
        {
            sql.Append(" AND (s.starred, s.last_activity_day, s.id) < (@afterStarred, @afterDay, @afterId)");
            parameters.Add("afterStarred", after.Starred);
            parameters.Add("afterDay", after.Day);
            parameters.Add("afterId", after.Id);
        }

        sql.Append(" ORDER BY s.starred DESC, s.last_activity_day DESC, s.id DESC LIMIT @limit");
        parameters.Add("limit", PageSize + 1);

        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = (await connection.QueryAsync<SourceSummary>(sql.ToString(), parameters).ConfigureAwait(false)).AsList();
        var more = rows.Count > PageSize;
        if (more)
        {
            rows.RemoveAt(PageSize);
        }

        if (rows.Count > 0)
        {
            var labels = (await connection.QueryAsync<(string SourceId, string Label)>(
                    "SELECT source_id, label FROM source_labels WHERE " + _database.IsAnyOf("source_id", "ids") + " ORDER BY label", new { ids = rows.Select(r => r.Id).ToArray() })
                .ConfigureAwait(false))
                .ToLookup(row => row.SourceId, row => row.Label, StringComparer.Ordinal);
            foreach (var row in rows)
            {
                row.Labels = [.. labels[row.Id]];
            }
        }

        var last = rows.Count > 0 ? rows[^1] : null;
        return new SourceListPage(rows, more && last is not null ? new SourceCursor(last.Starred, last.LastActivityDay, last.Id) : null);
    }
}

/// <summary>Which sources to list. Null members mean "any".</summary>
public sealed record SourceFilter(bool StarredOnly = false, bool UnreadOnly = false, string? Label = null, string? Status = null, SourceCursor? After = null);

public sealed record SourceListPage(IReadOnlyList<SourceSummary> Sources, SourceCursor? Next);

/// <summary>Where a page ends, as text for a link: "1.2026-11-27.&lt;id&gt;".</summary>
public sealed record SourceCursor(bool Starred, string Day, string Id)
{
    public override string ToString() => $"{(Starred ? 1 : 0)}.{Day}.{Id}";

    public static SourceCursor? Parse(string? text)
    {
        var parts = (text ?? "").Split('.');
        if (parts.Length != 3 || parts[0] is not ("0" or "1") || !Ids.IsWellFormed(parts[2])
            || !DateOnly.TryParseExact(parts[1], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            return null;
        }

        return new SourceCursor(parts[0] == "1", parts[1], parts[2]);
    }
}

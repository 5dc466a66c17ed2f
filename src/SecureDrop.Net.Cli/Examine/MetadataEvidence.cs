using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace SecureDrop.Net.Cli.Examine;

/// <summary>
/// The submissions a seizure finds, from the metadata database (on SQLite a copy, so the examination changes
/// nothing, not even a WAL checkpoint) and from intake/ (submissions still in flight), and the order the database
/// keeps them in: SQLite row ids, PostgreSQL tuple positions, the per-source numbers; and on PostgreSQL each row's
/// inserting transaction, whose commit time the WAL may still hold.
/// </summary>
internal static class MetadataEvidence
{
    /// <summary>Reads the metadata; returns, on PostgreSQL, the inserting transaction ids of each submission's rows.</summary>
    public static async Task<Dictionary<string, List<long>>> CollectAsync(Evidence evidence, ExamineTarget target)
    {
        await using DbConnection connection = target.PostgreSql is { } postgres
            ? new NpgsqlConnection(postgres)
            : new SqliteConnection($"Data Source={target.CopyOfSqlite(target.Data.MetadataDatabase)};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        var postgresql = target.PostgreSql is not null;
        string PositionOf(string table) => postgresql ? $"{table}.ctid::text" : $"CAST({table}.rowid AS TEXT)";
        var rows = (await connection.QueryAsync<(string Id, string SourceId, string Day, long Number, string Position, string SourcePosition)>(
            $"SELECT s.id, s.source_id, s.received_day, s.number, {PositionOf("s")}, {PositionOf("src")} FROM submissions s JOIN sources src ON src.id = s.source_id")).AsList();
        var items = (await connection.QueryAsync<(string Id, string SubmissionId, string Kind, long Bytes, string Position)>(
            $"SELECT i.id, i.submission_id, i.kind, i.ciphertext_bytes, {PositionOf("i")} FROM items i")).AsList();
        var itemsOf = items.ToLookup(item => item.SubmissionId, StringComparer.Ordinal);
        foreach (var row in rows)
        {
            evidence.Add(new Subject(row.Id, row.SourceId, row.Day, false, [.. itemsOf[row.Id].Select(item => new SubjectItem(item.Id, item.Kind, item.Bytes))]));
            evidence.Positions.Add(new Position(row.Id, "submission row", Key(row.Position)));
            evidence.Positions.Add(new Position(row.Id, "source row", Key(row.SourcePosition)));
            evidence.Positions.Add(new Position(row.Id, $"number within source {row.SourceId}", row.Number));
        }

        foreach (var group in itemsOf)
        {
            evidence.Positions.Add(new Position(group.Key, "item row", group.Min(item => Key(item.Position))));
        }

        var inserting = new Dictionary<string, List<long>>(StringComparer.Ordinal);
        if (postgresql)
        {
            foreach (var (id, xid) in await connection.QueryAsync<(string, long)>(
                "SELECT id, xmin::text::bigint FROM submissions UNION ALL SELECT submission_id, xmin::text::bigint FROM items"))
            {
                (inserting.TryGetValue(id, out var list) ? list : inserting[id] = []).Add(xid);
            }

            // A source's row dated by its commit links the source's submissions to that moment (see Examiner.Links).
            var sources = rows.Select(row => row.SourceId).ToHashSet(StringComparer.Ordinal);
            foreach (var (id, xid) in (await connection.QueryAsync<(string, long)>("SELECT id, xmin::text::bigint FROM sources")).Where(s => sources.Contains(s.Item1)))
            {
                var key = Evidence.SourceKey(id);
                (inserting.TryGetValue(key, out var list) ? list : inserting[key] = []).Add(xid);
            }
        }

        ReadInFlight(evidence, target.Data.IntakeDirectory);
        return inserting;
    }

    /// <summary>Submissions whose envelope is still in intake/: received, acknowledged, not yet ingested.</summary>
    private static void ReadInFlight(Evidence evidence, string intake)
    {
        if (!Directory.Exists(intake))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(intake, "*.submission"))
        {
            var id = Path.GetFileNameWithoutExtension(file);
            if (evidence.SubmissionOfId.ContainsKey(id))
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(File.ReadAllBytes(file));
                var items = document.RootElement.GetProperty("items").EnumerateArray()
                    .Select(item => new SubjectItem(item.GetProperty("id").GetString()!, item.GetProperty("kind").GetString()!, item.GetProperty("bytes").GetInt64()))
                    .ToList();
                evidence.Add(new Subject(id, document.RootElement.GetProperty("source").GetString(), null, true, items));
            }
            catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException or IOException)
            {
                evidence.Notes.Add($"An intake envelope could not be read ({Path.GetFileName(file)}: {exception.GetType().Name}).");
            }
        }
    }

    /// <summary>A sortable key: a row id, or a PostgreSQL tuple position "(page,tuple)".</summary>
    private static double Key(string position)
    {
        if (position.StartsWith('('))
        {
            var parts = position.Trim('(', ')').Split(',');
            return (double.Parse(parts[0], CultureInfo.InvariantCulture) * 65536) + double.Parse(parts[1], CultureInfo.InvariantCulture);
        }

        return double.Parse(position, CultureInfo.InvariantCulture);
    }
}

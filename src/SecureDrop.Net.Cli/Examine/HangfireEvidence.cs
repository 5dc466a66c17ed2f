using System.Data.Common;
using System.Globalization;
using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace SecureDrop.Net.Cli.Examine;

/// <summary>
/// Hangfire's storage, every table and row: any row that holds a submission's or item's id gives its times (job
/// creation, every state change, the times inside state data) to that submission; and the runs of the
/// ingest-window job, whose starts and ends bound when what they ingested can have arrived.
/// </summary>
internal static class HangfireEvidence
{
    public const string IngestWindowJobName = "IngestWindowJob";

    public static async Task CollectAsync(Evidence evidence, ExamineTarget target, TimeCarver carver)
    {
        var postgresql = target.PostgreSql is not null;
        if (!postgresql && !File.Exists(target.Data.JobDatabase))
        {
            evidence.Notes.Add("No Hangfire job database was found.");
            return;
        }

        await using DbConnection connection = postgresql
            ? new NpgsqlConnection(target.PostgreSql)
            : new SqliteConnection($"Data Source={target.CopyOfSqlite(target.Data.JobDatabase)};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        var tables = postgresql
            ? await connection.QueryAsync<string>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'hangfire'")
            : await connection.QueryAsync<string>("SELECT name FROM sqlite_master WHERE type = 'table'");
        foreach (var table in tables)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = postgresql ? $"SELECT * FROM hangfire.\"{table}\"" : $"SELECT * FROM \"{table}\"";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var text = new StringBuilder();
                var times = new List<DateTimeOffset>();
                for (var column = 0; column < reader.FieldCount; column++)
                {
                    switch (reader.IsDBNull(column) ? null : reader.GetValue(column))
                    {
                        case string value:
                            text.Append(value).Append('\n');
                            times.AddRange(carver.InText(value));
                            break;
                        case DateTime value:
                            times.Add(new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc)));
                            break;
                        case long value when new DateTimeOffset(Math.Clamp(value, 0, DateTime.MaxValue.Ticks), TimeSpan.Zero) is var ticks && carver.Plausible(ticks):
                            times.Add(ticks);
                            break;
                        case { } value:
                            text.Append(Convert.ToString(value, CultureInfo.InvariantCulture)).Append('\n');
                            break;
                    }
                }

                foreach (var submission in evidence.SubmissionsIn(text.ToString()).Distinct())
                {
                    evidence.Traces.AddRange(times.Select(time => new Trace(submission, "hangfire row", time, $"hangfire {table}")));
                }
            }
        }

        var runs = postgresql
            ? await connection.QueryAsync<(long Job, DateTime Time)>(
                "SELECT s.jobid, s.createdat FROM hangfire.state s JOIN hangfire.job j ON j.id = s.jobid WHERE j.invocationdata::text LIKE '%" + IngestWindowJobName + "%'")
            : (await connection.QueryAsync<(long Job, long Ticks)>(
                "SELECT s.JobId, s.CreatedAt FROM State s JOIN Job j ON j.Id = s.JobId WHERE j.InvocationData LIKE '%" + IngestWindowJobName + "%'"))
                .Select(row => (row.Job, Time: new DateTime(row.Ticks, DateTimeKind.Utc)));
        foreach (var run in runs.GroupBy(row => row.Job))
        {
            var start = run.Min(row => row.Time);
            var end = run.Max(row => row.Time);
            evidence.Runs.Add(new IngestRun(new DateTimeOffset(DateTime.SpecifyKind(start, DateTimeKind.Utc)), new DateTimeOffset(DateTime.SpecifyKind(end, DateTimeKind.Utc)), $"hangfire job {run.Key}"));
        }
    }
}

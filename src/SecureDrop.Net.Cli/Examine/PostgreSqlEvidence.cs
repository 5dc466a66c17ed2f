using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Dapper;
using Npgsql;

namespace SecureDrop.Net.Cli.Examine;

/// <summary>
/// PostgreSQL's own records: the commit time of each transaction that inserted a submission's rows, as pg_waldump
/// reads it from the WAL segments in the seized data directory, and timestamps carved near ids in the database's
/// table files (dead tuples included) and the WAL.
/// </summary>
internal static partial class PostgreSqlEvidence
{
    public static async Task CollectAsync(Evidence evidence, ExamineTarget target, TimeCarver carver, Dictionary<string, List<long>> inserting)
    {
        if (target.PostgreSqlData is not { } pgdata)
        {
            evidence.Notes.Add("No PostgreSQL data directory was given (--pg-data): its WAL and table files were not read.");
            return;
        }

        uint database;
        await using (var connection = new NpgsqlConnection(target.PostgreSql))
        {
            database = await connection.ExecuteScalarAsync<uint>("SELECT oid FROM pg_database WHERE datname = current_database()");
        }

        var wal = Path.Combine(pgdata, "pg_wal");
        var segments = Directory.Exists(wal)
            ? Directory.GetFiles(wal).Where(file => Path.GetFileName(file).Length == 24 && Path.GetFileName(file).All(char.IsAsciiHexDigit)).Order(StringComparer.Ordinal).ToList()
            : [];
        var commits = await CommitTimesAsync(evidence, wal, segments);
        foreach (var (submission, xids) in inserting)
        {
            foreach (var xid in xids.Distinct())
            {
                if (commits.TryGetValue(xid, out var time))
                {
                    evidence.Traces.Add(new Trace(submission, "postgresql commit", time, $"pg_waldump: transaction {xid}"));
                }
            }
        }

        var tables = Path.Combine(pgdata, "base", database.ToString(CultureInfo.InvariantCulture));
        var files = Directory.Exists(tables) ? Directory.GetFiles(tables) : [];
        RawEvidence.Carve(evidence, files, carver, "carved from postgresql table files");
        RawEvidence.Carve(evidence, segments, carver, "carved from postgresql wal");
    }

    /// <summary>Transaction id → commit time, from every segment pg_waldump can read (each on its own: one bad one stops nothing).</summary>
    private static async Task<Dictionary<long, DateTimeOffset>> CommitTimesAsync(Evidence evidence, string wal, List<string> segments)
    {
        var commits = new Dictionary<long, DateTimeOffset>();
        var waldump = Tool("pg_waldump");
        if (waldump is null)
        {
            evidence.Notes.Add("pg_waldump was not found: commit times were not read from the WAL.");
            return commits;
        }

        foreach (var segment in segments)
        {
            var start = new ProcessStartInfo(waldump) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in (string[])["-p", wal, Path.GetFileName(segment), Path.GetFileName(segment)])
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var errors = process.StandardError.ReadToEndAsync();
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                var match = Commit().Match(line);
                if (match.Success && DateTimeOffset.TryParse(match.Groups["time"].Value.Replace(" UTC", "Z", StringComparison.Ordinal), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var time))
                {
                    commits[long.Parse(match.Groups["xid"].Value, CultureInfo.InvariantCulture)] = time;
                }
            }

            await errors;
            await process.WaitForExitAsync();
        }

        return commits;
    }

    private static string? Tool(string name)
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Concat(Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(version => Path.Combine(version, "bin")) : []);
        return candidates.Select(directory => Path.Combine(directory, name)).FirstOrDefault(File.Exists);
    }

    [GeneratedRegex(@"tx:\s*(?<xid>\d+),.*desc: COMMIT (?<time>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)? UTC)")]
    private static partial Regex Commit();
}

using System.CommandLine;
using System.Text.Json;
using SecureDrop.Net.Core;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Submissions;

namespace SecureDrop.Net.Cli.Examine;

/// <summary>
/// sdnet examine: what a forensic examiner learns from a seized instance about when each submission arrived, how
/// large it was and in which order submissions came, from everything a seizure takes: file times (statx) under the
/// data directory and the temporary directories, the metadata and Hangfire stores read raw and through SQL (WAL,
/// free pages, dead tuples), PostgreSQL's WAL (pg_waldump) and table files, logs. Exit 1 when any submission is
/// placed closer than its ingest window or any item's size is known better than Padmé's bucket.
/// </summary>
/// <remarks>
/// Read-only: file times are read before anything else is opened, and SQLite databases are examined as copies (an
/// open would checkpoint the WAL into the seized file). Reading a vault file's framing may update its access time.
/// </remarks>
internal static class ExamineCommand
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static Command Create()
    {
        var data = Sdnet.DataOption();
        var temporary = new Option<DirectoryInfo[]>("--temp") { Description = "A temporary directory the services used (their TMPDIR); repeat for several." };
        var logs = new Option<DirectoryInfo[]>("--logs") { Description = "A directory of log or journal output (text); repeat for several." };
        var postgresData = new Option<DirectoryInfo>("--pg-data") { Description = "The PostgreSQL cluster's data directory (PGDATA), to read its WAL and table files." };
        var window = new Option<TimeSpan?>("--window") { Description = "The ingest window the instance runs with (default: Ingest__Window, or one hour)." };
        var json = new Option<bool>("--json") { Description = "Write the whole report as JSON." };
        var command = new Command("examine", "Examine an instance as a forensic examiner would: per submission, the narrowest arrival interval, size range and order the disk reveals.")
        {
            data, temporary, logs, postgresData, window, json,
        };
        command.SetAction((parse, _) => Sdnet.GuardAsync(parse, async output =>
        {
            var examinedAt = TimeProvider.System.GetUtcNow();
            var directory = DataDirectory.Open(parse.GetRequiredValue(data).FullName);
            var temporaryPaths = (parse.GetValue(temporary) ?? []).Select(d => d.FullName).ToList();
            // First, before anything reads a file: every path's times as they were seized.
            var times = FileTimes.Walk([directory.Root, .. temporaryPaths]);
            var configuration = CoreServices.EnvironmentConfiguration();
            var database = new MetadataDatabase(directory, CoreServices.DatabaseOptionsFrom(configuration));
            using var target = new ExamineTarget(
                directory,
                database.Provider == DatabaseProvider.PostgreSql ? database.ConnectionString : null,
                parse.GetValue(postgresData)?.FullName,
                temporaryPaths,
                (parse.GetValue(logs) ?? []).Select(d => d.FullName).ToList());
            var report = await ExamineAsync(target, times, examinedAt);
            var kept = parse.GetValue(window) ?? (TimeSpan.TryParse(configuration["Ingest:Window"], System.Globalization.CultureInfo.InvariantCulture, out var configured) ? configured : TimeSpan.FromHours(1));
            var below = Examiner.BelowTargets(report, kept).ToList();
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(new { report, belowTargets = below }, Json));
            }
            else
            {
                await ExamineText.WriteAsync(output, report, below);
            }

            return below.Count == 0 ? Sdnet.Success : Sdnet.Refused;
        }));
        return command;
    }

    public static async Task<ExamReport> ExamineAsync(ExamineTarget target, IReadOnlyList<FileTimes> times, DateTimeOffset examinedAt)
    {
        var evidence = new Evidence();
        var inserting = await MetadataEvidence.CollectAsync(evidence, target);
        // Timestamps count from the instance's creation (its data directory's birth) to now: random octets rarely pass.
        var root = times.FirstOrDefault(t => t.Path == target.Data.Root);
        var carver = new TimeCarver((root.Birth ?? root.Change) - TimeSpan.FromMinutes(1), examinedAt + TimeSpan.FromMinutes(1));
        FileSystemEvidence.Collect(evidence, times);
        await HangfireEvidence.CollectAsync(evidence, target, carver);
        if (target.PostgreSql is null)
        {
            var databases = new[] { target.Data.MetadataDatabase, target.Data.JobDatabase };
            RawEvidence.Carve(evidence, databases.SelectMany(d => new[] { d, d + "-wal", d + "-shm" }), carver, "carved from sqlite files");
            foreach (var file in databases)
            {
                RawEvidence.WalOrder(evidence, file + "-wal");
            }
        }
        else
        {
            await PostgreSqlEvidence.CollectAsync(evidence, target, carver, inserting);
        }

        LogEvidence.Collect(evidence, target.Logs, carver);
        var files = new ItemFiles(target.Data);
        return Examiner.Reason(evidence, examinedAt, item =>
            File.Exists(files.VaultPath(item.ItemId)) ? files.VaultPath(item.ItemId) : File.Exists(files.IntakePath(item.ItemId)) ? files.IntakePath(item.ItemId) : null);
    }
}

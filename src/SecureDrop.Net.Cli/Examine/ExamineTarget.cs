using SecureDrop.Net.Core.Data;

namespace SecureDrop.Net.Cli.Examine;

/// <summary>What was seized and where the examiner may work: the data directory, the metadata store, temporary
/// directories, logs, and on PostgreSQL its data directory (pg_wal and the table files).</summary>
internal sealed class ExamineTarget : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("sdnet-examine-").FullName;

    public ExamineTarget(DataDirectory data, string? postgreSql, string? postgreSqlData, IReadOnlyList<string> temporary, IReadOnlyList<string> logs)
    {
        Data = data;
        PostgreSql = postgreSql;
        PostgreSqlData = postgreSqlData;
        Temporary = temporary;
        Logs = logs;
    }

    public DataDirectory Data { get; }

    /// <summary>The metadata's PostgreSQL connection string; null on SQLite.</summary>
    public string? PostgreSql { get; }

    /// <summary>The PostgreSQL cluster's data directory (PGDATA), if it was seized too.</summary>
    public string? PostgreSqlData { get; }

    public IReadOnlyList<string> Temporary { get; }

    public IReadOnlyList<string> Logs { get; }

    /// <summary>
    /// Copies a SQLite database with its -wal and -shm into the examiner's scratch directory and returns the copy:
    /// opening the original would let SQLite checkpoint the WAL into it (and delete it) when the last connection
    /// closes, destroying evidence and changing the seized files.
    /// </summary>
    public string CopyOfSqlite(string database)
    {
        var copy = Path.Combine(_scratch, Guid.NewGuid().ToString("N") + "-" + Path.GetFileName(database));
        foreach (var suffix in (string[])["", "-wal", "-shm"])
        {
            if (File.Exists(database + suffix))
            {
                File.Copy(database + suffix, copy + suffix);
            }
        }

        return copy;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_scratch, recursive: true);
    }
}

using System.Runtime.CompilerServices;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Storage.SQLite;
using SecureDrop.Net.Core.Data;

namespace SecureDrop.Net.Core.Jobs;

/// <summary>
/// Hangfire's storage, shared by the front end (client only: it enqueues) and the worker (the server): SQLite in
/// the data directory, or PostgreSQL (schema "hangfire") when the metadata is there too.
/// Job arguments are opaque ids only: the storage is as exposed as any file on the server.
/// </summary>
public static class HangfireStorage
{
    /// <summary>How often the worker looks for new jobs: a submission is visible in the console within a second or two.</summary>
    public static readonly TimeSpan QueuePollInterval = TimeSpan.FromMilliseconds(200);

    private const string PostgreSqlSchema = "hangfire";

    public static IGlobalConfiguration UseSecureDropStorage(this IGlobalConfiguration configuration, MetadataDatabase database)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(database);
        configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            // Hangfire's log provider is process-global. Bound to an app's ILoggerFactory it outlives that factory
            // whenever a process hosts apps one after another (tests do), so Hangfire writes its warnings to the
            // console directly. Its messages carry job and item ids only.
            .UseColouredConsoleLogProvider(Hangfire.Logging.LogLevel.Warn)
            .UseStorage(Open(database));
        return configuration;
    }

    /// <summary>The storage of an instance, for a process that uses Hangfire without the global configuration.</summary>
    public static Hangfire.JobStorage Open(MetadataDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        return database.Provider == DatabaseProvider.PostgreSql
            ? OpenPostgreSql(database.ConnectionString)
            : new SQLiteStorage(new SQLiteDbConnectionFactory(() => OpenJobDatabase(database.Data.JobDatabase)), new SQLiteStorageOptions { QueuePollInterval = QueuePollInterval });
    }

    // Its own method, never inlined, so that a process on SQLite never loads Hangfire.PostgreSql and Npgsql.
    [MethodImpl(MethodImplOptions.NoInlining)]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1859", Justification = "The base return type keeps the PostgreSQL types out of the caller.")]
    private static Hangfire.JobStorage OpenPostgreSql(string connectionString) =>
        new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, PostgreSqlOptions(prepareSchema: false)), PostgreSqlOptions(prepareSchema: false));

    /// <summary>
    /// A connection to the SQLite job database (WAL, set at init) with <c>synchronous = NORMAL</c>: a commit is
    /// written to the WAL but not fsynced, and the WAL is synced at checkpoints. Every job transaction (an enqueue
    /// in the front end; fetch, state changes and removal in the worker) otherwise pays an fsync, several per
    /// submission, which made the job database the front end's tail under load.
    /// </summary>
    /// <remarks>
    /// Safe for what is stored here: in WAL mode NORMAL never corrupts the file, and a committed transaction
    /// survives a crash of any process (the WAL is in the OS's cache once the commit returns); only a power loss or
    /// kernel crash may drop the last few. Those lose nothing either: a job queue is derived state. Submissions are
    /// durable in the metadata store (synchronous FULL) before the source is answered, and the worker's reconcile
    /// job re-queues every submission still in intake that no job covers.
    /// </remarks>
    private static SQLite.SQLiteConnection OpenJobDatabase(string path)
    {
        var connection = new SQLite.SQLiteConnection(
            path, SQLite.SQLiteOpenFlags.ReadWrite | SQLite.SQLiteOpenFlags.Create | SQLite.SQLiteOpenFlags.NoMutex, storeDateTimeAsTicks: true)
        {
            BusyTimeout = TimeSpan.FromSeconds(10),
        };
        connection.ExecuteScalar<string>("PRAGMA synchronous = NORMAL");
        return connection;
    }

    /// <summary>Creates the job storage schema at init (and migrate), so the processes never race to create it at start.</summary>
    public static void Create(MetadataDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            DataDirectory.CreateOwnerOnlyEmptyFile(database.Data.JobDatabase);
        }

        Migrate(database);
    }

    /// <summary>Brings Hangfire's own schema up to this build's Hangfire version ('sdnet migrate').</summary>
    public static void Migrate(MetadataDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        if (database.Provider == DatabaseProvider.PostgreSql)
        {
            _ = new PostgreSqlStorage(new NpgsqlConnectionFactory(database.ConnectionString, PostgreSqlOptions(prepareSchema: true)), PostgreSqlOptions(prepareSchema: true));
            return;
        }

        // WAL is a property of the file and stays set: the front end enqueues while the worker polls, and in WAL
        // mode readers no longer block the writer (nor the writer the readers) across the two processes.
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database.Data.JobDatabase}"))
        {
            connection.Open();
            using var wal = connection.CreateCommand();
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            wal.ExecuteNonQuery();
        }

        using var storage = new SQLiteStorage(database.Data.JobDatabase, new SQLiteStorageOptions());
    }

    private static PostgreSqlStorageOptions PostgreSqlOptions(bool prepareSchema) => new()
    {
        SchemaName = PostgreSqlSchema,
        PrepareSchemaIfNecessary = prepareSchema,
        QueuePollInterval = QueuePollInterval,
        // A job that outlives the invisibility timeout must not be started a second time while it still runs.
        UseSlidingInvisibilityTimeout = true,
    };
}

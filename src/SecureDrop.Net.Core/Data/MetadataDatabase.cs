using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace SecureDrop.Net.Core.Data;

/// <summary>
/// The metadata store (sources, submissions, items, journalists) on SQLite in the data directory or on
/// PostgreSQL. It holds no plaintext: contents and original file names live only inside the OpenPGP ciphertext.
/// Which one an instance uses is fixed at init and recorded in the data directory, so a process started with the
/// wrong settings refuses to run instead of writing to a second, empty store.
/// </summary>
public sealed class MetadataDatabase
{
    public MetadataDatabase(DataDirectory data, IOptions<DatabaseOptions>? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        Data = data;
        var postgres = options?.Value.PostgreSql;
        Provider = string.IsNullOrWhiteSpace(postgres) ? DatabaseProvider.Sqlite : DatabaseProvider.PostgreSql;
        ConnectionString = Provider == DatabaseProvider.PostgreSql
            ? postgres!
            : new SqliteConnectionStringBuilder { DataSource = data.MetadataDatabase, Mode = SqliteOpenMode.ReadWrite, Pooling = true, DefaultTimeout = 30 }.ToString();
    }

    public DataDirectory Data { get; }

    public DatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    /// <summary>
    /// Opens a connection; on SQLite with foreign keys on, a busy timeout (concurrent processes wait rather than
    /// fail) and every commit synced to disk (<c>synchronous = FULL</c>, set on each open because pooled connections
    /// keep what an earlier user set; see <see cref="RelaxDurabilityAsync"/>), and deleted content overwritten with
    /// zeros (<c>secure_delete</c>) so that a deleted row's sealed header or counters do not linger in free pages.
    /// </summary>
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = CreateConnection();
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (Provider == DatabaseProvider.Sqlite)
            {
                await connection.ExecuteAsync("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA synchronous = FULL; PRAGMA secure_delete = ON;").ConfigureAwait(false);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A new, closed connection to the store.</summary>
    internal DbConnection CreateConnection() =>
        Provider == DatabaseProvider.PostgreSql ? NewPostgreSqlConnection(ConnectionString) : new SqliteConnection(ConnectionString);

    // Its own method, never inlined: a process on SQLite then never loads Npgsql's assembly and types at all
    // (precompiled code loads every type a method names before the method first runs).
    [MethodImpl(MethodImplOptions.NoInlining)]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1859", Justification = "The base return type keeps the PostgreSQL types out of the caller.")]
    private static DbConnection NewPostgreSqlConnection(string connectionString) => new NpgsqlConnection(connectionString);

    /// <summary>
    /// For writes of state that can be derived again (a submission turning ready after ingest): on SQLite the commit
    /// is written to the WAL without an fsync. It still survives a crash of any process; a power loss may undo it,
    /// and the worker's reconcile job redoes it. Keeps the worker from holding the write lock for an fsync per
    /// submission while the front end waits to record new ones. The next <see cref="OpenAsync"/> restores FULL.
    /// </summary>
    public async Task RelaxDurabilityAsync(DbConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (Provider == DatabaseProvider.Sqlite)
        {
            await connection.ExecuteAsync("PRAGMA synchronous = NORMAL;").ConfigureAwait(false);
        }
    }

    /// <summary>Refuses settings that point at a different kind of store than the instance was created with.</summary>
    public void CheckProvider()
    {
        var recorded = File.Exists(Data.InstanceFile)
            ? JsonSerializer.Deserialize<InstanceRecord>(File.ReadAllBytes(Data.InstanceFile))?.Database
            : nameof(DatabaseProvider.Sqlite);
        if (string.Equals(recorded, Provider.ToString(), StringComparison.Ordinal))
        {
            return;
        }

        throw new DataDirectoryException(recorded == nameof(DatabaseProvider.PostgreSql)
            ? "This instance keeps its metadata in PostgreSQL: set Database__PostgreSql to its connection string."
            : "This instance keeps its metadata in SQLite in its data directory: unset Database__PostgreSql.");
    }

    /// <summary>Refuses to start on a schema this build does not match, rather than corrupt it.</summary>
    public Task CheckSchemaAsync()
    {
        CheckProvider();
        SchemaMigrations.EnsureCurrent(this);
        return Task.CompletedTask;
    }

    /// <summary>Records at init which store the instance uses (see <see cref="CheckProvider"/>).</summary>
    public void RecordProvider() =>
        DataDirectory.WriteOwnerOnlyFile(Data.InstanceFile, JsonSerializer.SerializeToUtf8Bytes(new InstanceRecord(Provider.ToString())));

    private sealed record InstanceRecord(string Database);
}

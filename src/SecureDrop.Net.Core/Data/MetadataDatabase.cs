using Dapper;
using Microsoft.Data.Sqlite;

namespace SecureDrop.Net.Core.Data;

/// <summary>
/// The metadata store (sources, submissions, items, journalists) on SQLite. Holds no plaintext: item contents
/// and original file names live only inside the OpenPGP ciphertext in the vault.
/// </summary>
public sealed class MetadataDatabase
{
    private const int SchemaVersion = 1;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS schema_info (version INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS sources (
            id TEXT PRIMARY KEY,
            lookup_id TEXT NOT NULL UNIQUE,
            designation TEXT NOT NULL,
            created_day TEXT NOT NULL,
            last_activity_day TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS submissions (
            id TEXT PRIMARY KEY,
            source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
            received_day TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('intake', 'ready')));
        CREATE INDEX IF NOT EXISTS submissions_by_source ON submissions(source_id);
        CREATE TABLE IF NOT EXISTS items (
            id TEXT PRIMARY KEY,
            submission_id TEXT NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('message', 'file')),
            ciphertext_bytes INTEGER NOT NULL,
            newsroom_key TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS items_by_submission ON items(submission_id);
        CREATE TABLE IF NOT EXISTS journalists (
            id TEXT PRIMARY KEY,
            username TEXT NOT NULL UNIQUE,
            is_admin INTEGER NOT NULL,
            kdf_salt BLOB NOT NULL,
            verifier BLOB NOT NULL,
            wrapped_vault_key BLOB NOT NULL,
            created_day TEXT NOT NULL);
        """;

    private readonly string _connectionString;

    public MetadataDatabase(DataDirectory data)
    {
        ArgumentNullException.ThrowIfNull(data);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = data.MetadataDatabase,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>Opens a connection with foreign keys on and a busy timeout, so concurrent processes wait rather than fail.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;").ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Creates the schema in a new data directory.</summary>
    public static async Task CreateAsync(DataDirectory data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        DataDirectory.CreateOwnerOnlyEmptyFile(data.MetadataDatabase);
        var builder = new SqliteConnectionStringBuilder { DataSource = data.MetadataDatabase, Mode = SqliteOpenMode.ReadWrite };
        await using var connection = new SqliteConnection(builder.ToString());
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("PRAGMA journal_mode = WAL;").ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(Schema, transaction: transaction).ConfigureAwait(false);
        await connection.ExecuteAsync("INSERT INTO schema_info (version) VALUES (@SchemaVersion)", new { SchemaVersion }, transaction).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Refuses to start on a schema this build does not know, rather than corrupt it.</summary>
    public async Task CheckSchemaAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var version = await connection.ExecuteScalarAsync<int?>("SELECT max(version) FROM schema_info").ConfigureAwait(false);
        if (version != SchemaVersion)
        {
            throw new DataDirectoryException(
                $"The metadata database has schema version {version?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}, but this build expects {SchemaVersion}. Use the sdnet release that created it.");
        }
    }
}

using System.Data.Common;
using Dapper;
using SecureDrop.Net.Core.Data;

namespace SecureDrop.Net.Vault.Jobs;

/// <summary>
/// One ingest run at a time, whichever job started it (the scheduled close, "Trigger now", a catch-up) and in
/// whichever process: two runs at once would copy the same item into the vault together. The lock dies with the
/// process that holds it, so a run killed midway never holds up the next one: on PostgreSQL a session advisory lock
/// (released when the killed worker's connection drops); on SQLite (one machine, the single-user layout) an exclusive
/// flock on a file in the data directory. Hangfire's
/// own locks (DisableConcurrentExecution) are not used here: on PostgreSQL a dead holder's lock stays for its
/// DistributedLockTimeout (ten minutes), and the two jobs would hold two different locks.
/// </summary>
internal sealed class IngestRunLock : IAsyncDisposable
{
    /// <summary>The SQLite lock file in the data directory: empty, named after no id; backups leave it out.</summary>
    public const string FileName = ".ingest.lock";

    // pg_advisory_lock's key: the octets "sdingest" read as a big-endian integer, unlikely to meet another user's key.
    private const long AdvisoryKey = 0x7364696E67657374;

    private readonly DbConnection? _connection;
    private readonly FileStream? _file;

    private IngestRunLock(DbConnection? connection, FileStream? file)
    {
        _connection = connection;
        _file = file;
    }

    /// <exception cref="TimeoutException">When another run held the lock for all of <paramref name="timeout"/>.</exception>
    public static async Task<IngestRunLock> AcquireAsync(MetadataDatabase database, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            if (await TryAcquireAsync(database).ConfigureAwait(false) is { } acquired)
            {
                return acquired;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Another ingest run held the run lock for {timeout.TotalSeconds:0} s; this run will be retried.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500)).ConfigureAwait(false);
        }
    }

    private static async Task<IngestRunLock?> TryAcquireAsync(MetadataDatabase database)
    {
        if (database.Provider == DatabaseProvider.PostgreSql)
        {
            var connection = await database.OpenAsync().ConfigureAwait(false);
            if (await connection.ExecuteScalarAsync<bool>("SELECT pg_try_advisory_lock(@AdvisoryKey)", new { AdvisoryKey }).ConfigureAwait(false))
            {
                return new IngestRunLock(connection, null);
            }

            await connection.DisposeAsync().ConfigureAwait(false);
            return null;
        }

        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            // FileShare.None is an exclusive flock on Unix: the kernel drops it when the process dies.
            return new IngestRunLock(null, new FileStream(Path.Combine(database.Data.Root, FileName), options));
        }
        catch (IOException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.ExecuteAsync("SELECT pg_advisory_unlock(@AdvisoryKey)", new { AdvisoryKey }).ConfigureAwait(false);
            await _connection.DisposeAsync().ConfigureAwait(false);
        }

        if (_file is not null)
        {
            await _file.DisposeAsync().ConfigureAwait(false);
        }
    }
}

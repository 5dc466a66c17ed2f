using System.Globalization;
using System.Security.Cryptography;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;
using SecureDrop.Net.Cli.Keys;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Crypto;

namespace SecureDrop.Net.Cli.Backup;

/// <summary>An opened backup file and its decryption, disposed together.</summary>
internal sealed class OpenedBackup : IDisposable
{
    private readonly FileStream _file;

    public OpenedBackup(FileStream file, BackupDecryption decryption)
    {
        _file = file;
        Decryption = decryption;
    }

    public BackupDecryption Decryption { get; }

    public void Dispose()
    {
        Decryption.Dispose();
        _file.Dispose();
    }
}

/// <summary>
/// Verifying and restoring. A restore writes into a staging directory next to the target and moves it into place
/// only when the whole backup has been read, its integrity code checked, every file matched the manifest and the
/// database opened (or pg_restore succeeded, in one transaction): a damaged backup changes nothing.
/// </summary>
internal static class BackupRestorer
{
    public static OpenedBackup Open(FileInfo backup, FileInfo? keyFile, bool passphraseFromStdin, TextWriter error)
    {
        if (!backup.Exists)
        {
            throw new IOException($"The backup file '{backup.FullName}' does not exist.");
        }

        var file = new FileStream(backup.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            if (keyFile is null)
            {
                RefuseKeyBackup(file, backup);
                var passphrase = SecretInput.Read(passphraseFromStdin, "Backup passphrase: ", confirm: false, error);
                return new OpenedBackup(file, BackupDecryption.Open(file, passphrase));
            }

            using var key = LoadKey(keyFile, passphraseFromStdin, error);
            return new OpenedBackup(file, BackupDecryption.Open(file, key));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Before asking for a passphrase: a backup made with --to opens only with that key's secret key, and the
    /// refusal says so (asking for a passphrase, or for --passphrase-stdin, would send the operator the wrong way).
    /// </summary>
    private static void RefuseKeyBackup(FileStream file, FileInfo backup)
    {
        var (toPassphrase, keyIds) = BackupDecryption.Inspect(file);
        file.Position = 0;
        if (!toPassphrase)
        {
            throw new CryptoException(
                CryptoFailure.WrongKind,
                $"The backup '{backup.FullName}' is encrypted to an OpenPGP key (key id {string.Join(", ", keyIds)}), not a passphrase: add --key SECRET.asc, that key's secret key (e.g. from gpg --export-secret-keys --armor {(keyIds.Count > 0 ? keyIds[0] : "KEYID")} > SECRET.asc).");
        }
    }

    public static void CheckTarget(string target)
    {
        if (File.Exists(target) || (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any()))
        {
            throw new IOException($"'{target}' is not empty. Restore into a new or empty directory; nothing was changed.");
        }

        var parent = Path.GetDirectoryName(target);
        if (parent is null || !Directory.Exists(parent))
        {
            throw new IOException($"The directory that would hold '{target}' does not exist. Create it first; nothing was changed.");
        }
    }

    public static async Task<string> VerifyAsync(OpenedBackup backup, BackupProgress progress, CancellationToken cancellationToken)
    {
        var temporary = Directory.CreateTempSubdirectory("sdnet-verify-");
        try
        {
            var contents = BackupReader.Read(backup.Decryption, progress, path => IsDatabase(path)
                ? CreateOwnerOnly(Path.Combine(temporary.FullName, Path.GetFileName(path)))
                : Stream.Null);
            var database = await CheckDatabasesAsync(contents, Path.Combine(temporary.FullName, "sdnet.db"), Path.Combine(temporary.FullName, "jobs.db"), Path.Combine(temporary.FullName, BackupArchive.PostgresDumpName), cancellationToken);
            return string.Create(CultureInfo.InvariantCulture,
                $"The backup is sound: {contents.Manifest.Files.Count} file(s), {contents.Manifest.Files.Sum(f => f.Bytes)} bytes, taken {contents.Header.Created:yyyy-MM-dd HH:mm} UTC; every SHA-256 and the integrity code match; {database}.");
        }
        finally
        {
            temporary.Delete(recursive: true);
        }
    }

    public static async Task<string> RestoreAsync(OpenedBackup backup, string target, IOptions<DatabaseOptions> options, BackupProgress progress, CancellationToken cancellationToken)
    {
        var postgres = options.Value.PostgreSql;
        if (!string.IsNullOrWhiteSpace(postgres))
        {
            await CheckEmptyAsync(postgres, cancellationToken);
        }

        var staging = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.restoring-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}");
        OwnerOnly.CreateDirectory(staging);
        try
        {
            var contents = BackupReader.Read(backup.Decryption, progress, path => CreateOwnerOnly(Path.Combine(staging, path)));
            var staged = Path.Combine(staging, "data");
            var onPostgres = contents.Header.Database == nameof(DatabaseProvider.PostgreSql);
            if (onPostgres && string.IsNullOrWhiteSpace(postgres))
            {
                throw new DataDirectoryException("This backup is of an instance on PostgreSQL: set Database__PostgreSql to a new, empty database to restore into. Nothing was changed.");
            }

            if (!onPostgres && !string.IsNullOrWhiteSpace(postgres))
            {
                throw new DataDirectoryException("This backup is of an instance on SQLite: unset Database__PostgreSql. Nothing was changed.");
            }

            var database = await CheckDatabasesAsync(contents, Path.Combine(staged, "sdnet.db"), Path.Combine(staged, "jobs.db"), Path.Combine(staging, BackupArchive.PostgresDumpName), cancellationToken);
            foreach (var directory in new[] { "keys", "intake", "vault", "dataprotection" })
            {
                OwnerOnly.CreateDirectory(Path.Combine(staged, directory));
            }

            OwnerOnly.Tree(staged);
            Init.MultiUserInit.Restore(DataDirectory.ForAudit(staged));
            if (onPostgres)
            {
                await PostgresTools.RestoreAsync(postgres!, Path.Combine(staging, BackupArchive.PostgresDumpName), cancellationToken);
                await DatabaseRoles.ApplyAsync(new MetadataDatabase(DataDirectory.Open(staged), options), cancellationToken);
            }

            if (Directory.Exists(target))
            {
                Directory.Delete(target);
            }

            Directory.Move(staged, target);
            return string.Create(CultureInfo.InvariantCulture,
                $"Restored {contents.Manifest.Files.Count} file(s) from the backup taken {contents.Header.Created:yyyy-MM-dd HH:mm} UTC into {target} ({database}).\n{(DataDirectory.ForAudit(target).Layout is null ? $"Start it with: sdnet run --data {target}" : "Multi-user layout restored with this machine's users and groups: start the three units (ops/systemd).")}");
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    private static async Task<string> CheckDatabasesAsync(BackupContents contents, string metadata, string jobs, string dump, CancellationToken cancellationToken)
    {
        var paths = contents.Manifest.Files.Select(file => file.Path).ToHashSet(StringComparer.Ordinal);
        if (contents.Header.Database == nameof(DatabaseProvider.PostgreSql))
        {
            if (!paths.Contains(BackupArchive.PostgresDumpName))
            {
                throw new BackupDamagedException("The backup of a PostgreSQL instance holds no database dump.");
            }

            var listing = await PostgresTools.ListAsync(dump, cancellationToken);
            var tables = listing.Split('\n').Count(line => line.Contains(" TABLE DATA ", StringComparison.Ordinal));
            return string.Create(CultureInfo.InvariantCulture, $"the PostgreSQL dump parses ({tables} tables of data), schema version {contents.Header.SchemaVersion}");
        }

        if (!paths.Contains(BackupArchive.MetadataName))
        {
            throw new BackupDamagedException("The backup holds no metadata database.");
        }

        var version = CheckSqlite(metadata, "SELECT MAX(Version) FROM VersionInfo");
        if (paths.Contains(BackupArchive.JobsName))
        {
            CheckSqlite(jobs, "SELECT 0");
        }

        return string.Create(CultureInfo.InvariantCulture, $"the SQLite databases pass integrity_check, schema version {version}");
    }

    private static long CheckSqlite(string path, string probe)
    {
        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
            connection.Open();
            var integrity = connection.ExecuteScalar<string>("PRAGMA integrity_check");
            if (!string.Equals(integrity, "ok", StringComparison.Ordinal))
            {
                throw new BackupDamagedException($"A database in the backup fails SQLite's integrity check: {integrity}");
            }

            return connection.ExecuteScalar<long?>(probe) ?? 0;
        }
        catch (SqliteException exception)
        {
            throw new BackupDamagedException("A database in the backup does not open: " + exception.Message, exception);
        }
    }

    private static async Task CheckEmptyAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var tables = await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')");
        if (tables > 0)
        {
            throw new DataDirectoryException("The database in Database__PostgreSql is not empty. Create a new, empty database to restore into; nothing was changed.");
        }
    }

    private static bool IsDatabase(string path) =>
        path is BackupArchive.MetadataName or BackupArchive.JobsName or BackupArchive.PostgresDumpName;

    private static FileStream CreateOwnerOnly(string path)
    {
        var directory = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(directory))
        {
            OwnerOnly.CreateDirectory(directory);
        }

        return OwnerOnly.CreateFile(path);
    }

    private static NewsroomSecretKey LoadKey(FileInfo keyFile, bool passphraseFromStdin, TextWriter error)
    {
        if (passphraseFromStdin)
        {
            return SecretKeyFile.Import(keyFile, NewsroomSecretKey.Import, SecretInput.Read(true, "", false, error));
        }

        // Without a terminal there is no one to ask: a protected key is refused with its plain message.
        return Console.IsInputRedirected
            ? SecretKeyFile.Import(keyFile, NewsroomSecretKey.Import, string.Empty)
            : SecretKeyFile.Import(keyFile, NewsroomSecretKey.Import, () => SecretInput.Read(false, "Passphrase of the key: ", false, error));
    }
}

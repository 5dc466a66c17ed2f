using System.Formats.Tar;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Sources;
using SecureDrop.Net.Core.Submissions;

namespace SecureDrop.Net.Cli.Backup;

/// <summary>
/// Takes a backup while the services run. What waits in intake/ for its ingest window (envelopes, sources made at
/// /generate: small files) is copied aside first; then the databases are snapshotted (SQLite's online backup API,
/// or pg_dump's MVCC snapshot); files are read after, intake/ before vault/. A window that closes meanwhile leaves
/// each submission's envelope in the copy or its rows in the snapshot, never neither, and its items in intake/ or,
/// copied, in the vault, which is read last. Everything streams through the tar writer into the OpenPGP encryptor: no plaintext
/// copy of the archive is made; the only temporary files are the database snapshots, in an owner-only directory
/// inside the data directory, deleted at the end.
/// </summary>
internal sealed class BackupCreator
{
    private readonly MetadataDatabase _database;
    private readonly BackupProgress _progress;

    public BackupCreator(MetadataDatabase database, BackupProgress progress)
    {
        _database = database;
        _progress = progress;
    }

    /// <summary>Writes the backup into <paramref name="encrypted"/>; returns the number of files and bytes archived.</summary>
    public async Task<(int Files, long Bytes)> WriteAsync(Stream encrypted, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var data = _database.Data;
        var staging = Path.Combine(data.Root, ".backup-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        OwnerOnly.CreateDirectory(staging);
        try
        {
            var plan = new List<(string ArchivePath, string SourcePath)>(Waiting(data, staging));
            if (_database.Provider == DatabaseProvider.PostgreSql)
            {
                var dump = Path.Combine(staging, BackupArchive.PostgresDumpName);
                await PostgresTools.DumpAsync(_database.ConnectionString, dump, cancellationToken);
                plan.Add((BackupArchive.PostgresDumpName, dump));
            }
            else
            {
                plan.Add((BackupArchive.MetadataName, Snapshot(data.MetadataDatabase, Path.Combine(staging, "sdnet.db"))));
                if (File.Exists(data.JobDatabase))
                {
                    plan.Add((BackupArchive.JobsName, Snapshot(data.JobDatabase, Path.Combine(staging, "jobs.db"))));
                }
            }

            plan.AddRange(DataFiles(data, staging).Where(entry => !IsVault(entry.ArchivePath)));
            var schema = SchemaMigrations.AppliedVersion(_database);
            var estimate = plan.Concat(DataFiles(data, staging).Where(entry => IsVault(entry.ArchivePath))).ToList();
            var estimatedBytes = estimate.Sum(entry => SizeOrZero(entry.SourcePath));
            _progress.Start(estimate.Count, estimatedBytes);

            var manifest = new List<ManifestEntry>();
            using (var tar = new TarWriter(encrypted, TarEntryFormat.Pax, leaveOpen: true))
            {
                var header = new BackupHeader(BackupArchive.Format, now, _database.Provider.ToString(), schema, estimate.Count, estimatedBytes);
                WriteBytes(tar, BackupArchive.HeaderName, BackupArchive.Serialize(header), now);

                // The vault is listed only after intake/ was read: an item the worker moved meanwhile is found there.
                foreach (var (archivePath, sourcePath) in plan.Concat(DataFiles(data, staging).Where(entry => IsVault(entry.ArchivePath))))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var entry = WriteFile(tar, archivePath, sourcePath, now);
                    if (entry is not null)
                    {
                        manifest.Add(entry);
                    }

                    _progress.FileDone();
                }

                WriteBytes(tar, BackupArchive.ManifestName, BackupArchive.Serialize(new BackupManifest(manifest)), now);
            }

            _progress.Finish();
            return (manifest.Count, manifest.Sum(entry => entry.Bytes));
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    // An item deleted (or moved from intake to the vault) between listing and reading is skipped: it is either
    // gone for good or read from the vault, which comes after intake.
    private ManifestEntry? WriteFile(TarWriter tar, string archivePath, string sourcePath, DateTimeOffset now)
    {
        FileStream file;
        try
        {
            file = new FileStream(sourcePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        using var hashing = new HashingReadStream(file, file.Length, _progress.Bytes);
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, archivePath)
        {
            DataStream = hashing,
            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            ModificationTime = now,
        });
        return new ManifestEntry(archivePath, hashing.Length, hashing.Sha256());
    }

    private static void WriteBytes(TarWriter tar, string name, byte[] content, DateTimeOffset now)
    {
        using var stream = new MemoryStream(content, writable: false);
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            DataStream = stream,
            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            ModificationTime = now,
        });
    }

    /// <summary>SQLite's online backup: a consistent copy while the services keep writing.</summary>
    private static string Snapshot(string source, string target)
    {
        DataDirectory.CreateOwnerOnlyEmptyFile(target);
        using (var from = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = source, Pooling = false, DefaultTimeout = 30 }.ToString()))
        using (var to = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = target, Pooling = false }.ToString()))
        {
            from.Open();
            to.Open();
            from.BackupDatabase(to);
        }

        return target;
    }

    /// <summary>Copies of the envelopes and pending sources in intake/, taken before the databases are read.</summary>
    private static List<(string ArchivePath, string SourcePath)> Waiting(DataDirectory data, string staging)
    {
        var copies = Directory.CreateDirectory(Path.Combine(staging, "intake")).FullName;
        var waiting = new List<(string, string)>();
        foreach (var path in Directory.EnumerateFiles(data.IntakeDirectory).Where(IsWaiting))
        {
            var copy = Path.Combine(copies, Path.GetFileName(path));
            try
            {
                File.Copy(path, copy);
            }
            catch (FileNotFoundException)
            {
                continue;
            }

            waiting.Add((BackupArchive.DataPrefix + "intake/" + Path.GetFileName(path), copy));
        }

        return waiting;
    }

    private static bool IsWaiting(string path) =>
        path.EndsWith(IntakeEnvelope.Suffix, StringComparison.Ordinal) || path.EndsWith(PendingSources.Suffix, StringComparison.Ordinal);

    /// <summary>
    /// Every file of the data directory except the live databases, partial writes, our own staging, and the waiting
    /// envelopes and sources (archived from their copies).
    /// </summary>
    private static IEnumerable<(string ArchivePath, string SourcePath)> DataFiles(DataDirectory data, string staging)
    {
        var skipped = new[] { data.MetadataDatabase, data.JobDatabase };
        var files = Directory.EnumerateFiles(data.Root, "*", SearchOption.AllDirectories)
            .Where(path => !path.StartsWith(staging, StringComparison.Ordinal)
                && !Path.GetFileName(path).StartsWith(".backup-", StringComparison.Ordinal)
                && Path.GetFileName(path) != ".ingest.lock"
                && !skipped.Any(database => path.StartsWith(database, StringComparison.Ordinal))
                && !path.EndsWith(".part", StringComparison.Ordinal)
                && !path.EndsWith(".tmp", StringComparison.Ordinal)
                && !(IsWaiting(path) && Path.GetDirectoryName(path) == data.IntakeDirectory))
            .Select(path => (Archive: BackupArchive.DataPrefix + Path.GetRelativePath(data.Root, path).Replace('\\', '/'), Source: path))
            .Where(entry => !entry.Archive.Contains("/.backup-", StringComparison.Ordinal))
            .ToList();

        // Intake before vault: an item moved between the two listings is read from the vault.
        static int Order(string archive) =>
            archive.StartsWith("data/intake/", StringComparison.Ordinal) ? 1
            : archive.StartsWith("data/vault/", StringComparison.Ordinal) ? 2
            : 0;
        return files.OrderBy(entry => Order(entry.Archive)).ThenBy(entry => entry.Archive, StringComparer.Ordinal);
    }

    private static bool IsVault(string archivePath) => archivePath.StartsWith("data/vault/", StringComparison.Ordinal);

    private static long SizeOrZero(string path)
    {
        try
        {
            return new FileInfo(path).Length;
        }
        catch (FileNotFoundException)
        {
            return 0;
        }
    }
}

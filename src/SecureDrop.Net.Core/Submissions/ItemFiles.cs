using SecureDrop.Net.Core.Data;

namespace SecureDrop.Net.Core.Submissions;

/// <summary>
/// Ciphertext files. The front end writes into intake/ under a temporary name, flushes to disk and only then
/// renames, so a crash never leaves a half-written item under its final name; the worker copies items into vault/
/// when their ingest window closes (<see cref="CopyIntoVault"/>).
/// </summary>
public sealed class ItemFiles
{
    private const string PartialSuffix = ".part";
    private const string ItemSuffix = ".gpg";
    private const string RewriteSuffix = ".rewrap";
    private readonly DataDirectory _data;

    public ItemFiles(DataDirectory data)
    {
        _data = data;
    }

    public string IntakePath(string itemId) => Path.Combine(_data.IntakeDirectory, Checked(itemId) + ItemSuffix);

    public string VaultPath(string itemId) => Path.Combine(_data.VaultDirectory, Checked(itemId) + ItemSuffix);

    /// <summary>Starts a new intake item; dispose the writer without committing to discard it.</summary>
    public IntakeItemWriter BeginIntake(string itemId)
    {
        var partial = Path.Combine(_data.IntakeDirectory, Checked(itemId) + PartialSuffix);
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            BufferSize = 0,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var stream = new FileStream(partial, options);
        DataDirectory.FitToLayout(stream.SafeFileHandle, partial, LayoutSharing.GroupReadWrite);
        return new IntakeItemWriter(stream, partial, IntakePath(itemId));
    }

    /// <summary>
    /// Copies an intake item into the vault as a new file, so that its birth time is the ingest run's and not the
    /// upload's: flushed to disk, its modification and access times set to <paramref name="stamp"/>, then renamed
    /// into place. Safe to repeat: an item already in the vault is left alone. The intake file stays until
    /// <see cref="DeleteIntakeItem"/>.
    /// </summary>
    public void CopyIntoVault(string itemId, DateTimeOffset stamp)
    {
        var target = VaultPath(itemId);
        if (File.Exists(target))
        {
            return;
        }

        var partial = Path.Combine(_data.VaultDirectory, Checked(itemId) + PartialSuffix);
        File.Copy(IntakePath(itemId), partial, overwrite: true);
        using (var stream = new FileStream(partial, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            DataDirectory.FitToLayout(stream.SafeFileHandle, partial, LayoutSharing.GroupReadWrite);
            stream.Flush(flushToDisk: true);
        }

        File.SetLastWriteTimeUtc(partial, stamp.UtcDateTime);
        File.SetLastAccessTimeUtc(partial, stamp.UtcDateTime);
        File.Move(partial, target);
    }

    /// <summary>Whether an item is in the vault under its final name.</summary>
    public bool VaultHas(string itemId) => File.Exists(VaultPath(itemId));

    /// <summary>Flushes the vault directory's entries, after renames into it, so they survive a power cut.</summary>
    public void FlushVaultDirectory() => UnixFiles.SyncDirectory(_data.VaultDirectory);

    /// <summary>Removes an item's intake file once its vault copy is recorded. Safe to repeat.</summary>
    public void DeleteIntakeItem(string itemId) => File.Delete(IntakePath(itemId));

    /// <summary>
    /// Writes a small item straight into the vault (a reply the console encrypted in memory): under a temporary
    /// name, flushed to disk, then renamed, so a crash never leaves half an item under its final name.
    /// </summary>
    public long WriteVaultItem(string itemId, ReadOnlySpan<byte> ciphertext)
    {
        var partial = Path.Combine(_data.VaultDirectory, Checked(itemId) + PartialSuffix);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(partial, options))
        {
            DataDirectory.FitToLayout(stream.SafeFileHandle, partial, LayoutSharing.GroupReadWrite);
            stream.Write(ciphertext);
            stream.Flush(flushToDisk: true);
        }

        File.Move(partial, VaultPath(itemId));
        return ciphertext.Length;
    }
    /// <summary>Where a re-wrapped copy of a vault item is written before it replaces the item in one rename.</summary>
    public string VaultRewritePath(string itemId) => Path.Combine(_data.VaultDirectory, Checked(itemId) + RewriteSuffix);

    /// <summary>Replaces a vault item with its re-wrapped copy (already flushed to disk) in one rename.</summary>
    public void ReplaceVaultItem(string itemId) => File.Move(VaultRewritePath(itemId), VaultPath(itemId), overwrite: true);

    public FileStream OpenVaultItem(string itemId) =>
        new(VaultPath(itemId), FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 64 * 1024);

    public FileStream OpenIntakeItem(string itemId) =>
        new(IntakePath(itemId), FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 64 * 1024);

    /// <summary>What lies in intake/: item ids, whether the file is still a partial write, and when it was last written.</summary>
    /// <summary>
    /// The files in intake/ with their last write time, each from one stat taken after listing: a file renamed or
    /// moved away between the listing and the stat (a .part committed by the front end, an item the worker moved to
    /// the vault) is left out, rather than reported with the year 1601 that an absent file's time reads as.
    /// </summary>
    public IReadOnlyList<IntakeEntry> IntakeEntries() =>
        [.. new DirectoryInfo(_data.IntakeDirectory).EnumerateFiles()
            .Select(file => (File: file, Id: Path.GetFileNameWithoutExtension(file.Name)))
            .Where(entry => Ids.IsWellFormed(entry.Id) && entry.File.Extension is ItemSuffix or PartialSuffix)
            .Where(entry =>
            {
                entry.File.Refresh();
                return entry.File.Exists;
            })
            .Select(entry => new IntakeEntry(entry.Id, entry.File.Extension == PartialSuffix, new DateTimeOffset(entry.File.LastWriteTimeUtc, TimeSpan.Zero)))];

    /// <summary>
    /// Erases the one intake file an entry names (its .part or its committed file), never another form of the same
    /// item: a stale .part must not take the committed item of an acknowledged submission with it.
    /// </summary>
    public void EraseIntakeEntry(IntakeEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var id = Checked(entry.ItemId);
        EraseFile(entry.Partial ? Path.Combine(_data.IntakeDirectory, id + PartialSuffix) : IntakePath(id));
    }

    public IReadOnlyList<string> VaultItemIds() =>
        [.. Directory.EnumerateFiles(_data.VaultDirectory, "*" + ItemSuffix).Select(Path.GetFileNameWithoutExtension).Where(Ids.IsWellFormed)!];

    /// <summary>Erases an item wherever it is (intake, partial or vault). Safe to repeat.</summary>
    public void Erase(string itemId)
    {
        var id = Checked(itemId);
        EraseFile(IntakePath(id));
        EraseFile(Path.Combine(_data.IntakeDirectory, id + PartialSuffix));
        EraseFile(VaultPath(id));
        EraseFile(Path.Combine(_data.VaultDirectory, id + PartialSuffix));
        EraseFile(VaultRewritePath(id));
    }

    /// <summary>
    /// Overwrites a file with zeros, flushes, then unlinks it, so the ciphertext does not linger in free blocks of
    /// a simple filesystem. Copy-on-write filesystems, SSD wear levelling and snapshots defeat this: full-disk
    /// encryption is what protects deleted material there (see SECURITY.md).
    /// </summary>
    public static void EraseFile(string path)
    {
        if (!File.Exists(path))
        {
            return;
        }

        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.None))
        {
            var zeros = new byte[64 * 1024];
            for (long written = 0, length = stream.Length; written < length; written += zeros.Length)
            {
                stream.Write(zeros, 0, (int)Math.Min(zeros.Length, length - written));
            }

            stream.Flush(flushToDisk: true);
        }

        File.Delete(path);
    }

    private static string Checked(string itemId) =>
        Ids.IsWellFormed(itemId) ? itemId : throw new ArgumentException("Not an item id.", nameof(itemId));
}

public sealed record IntakeEntry(string ItemId, bool Partial, DateTimeOffset LastWrite);

/// <summary>An intake item being written. Nothing appears under the final name until <see cref="CommitAsync"/>.</summary>
public sealed class IntakeItemWriter : IAsyncDisposable
{
    private readonly FileStream _stream;
    private readonly WritebackStream _writeback;
    private readonly string _partialPath;
    private readonly string _finalPath;
    private bool _committed;

    internal IntakeItemWriter(FileStream stream, string partialPath, string finalPath)
    {
        _stream = stream;
        _writeback = new WritebackStream(stream);
        _partialPath = partialPath;
        _finalPath = finalPath;
    }

    public Stream Stream => _writeback;

    /// <summary>The ciphertext length, known once the item is committed.</summary>
    public long Length { get; private set; }

    public async Task CommitAsync()
    {
        await _stream.FlushAsync().ConfigureAwait(false);
        _stream.Flush(flushToDisk: true);
        Length = _stream.Length;
        await _stream.DisposeAsync().ConfigureAwait(false);
        File.Move(_partialPath, _finalPath);
        _committed = true;
    }

    /// <summary>Removes a committed item again, when the submission it belongs to could not be recorded.</summary>
    public void Discard()
    {
        File.Delete(_committed ? _finalPath : _partialPath);
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync().ConfigureAwait(false);
        if (!_committed)
        {
            File.Delete(_partialPath);
        }
    }
}

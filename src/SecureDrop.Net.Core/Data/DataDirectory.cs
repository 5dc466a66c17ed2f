namespace SecureDrop.Net.Core.Data;

/// <summary>
/// The one directory that holds an instance: settings, keys, metadata, job storage and ciphertext.
/// A seized copy must reveal nothing readable; the directory is owner-only so other local users cannot read it.
/// </summary>
public sealed class DataDirectory
{
    private const UnixFileMode OwnerOnlyDirectory =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private DataDirectory(string root)
    {
        Root = root;
    }

    public string Root { get; }

    public string KeysDirectory => Path.Combine(Root, "keys");

    public string ActivePublicKeyFile => Path.Combine(KeysDirectory, "newsroom-public.asc");

    public string RecoveryWrapFile => Path.Combine(KeysDirectory, "vault-key.recovery");

    public string SourceSaltFile => Path.Combine(KeysDirectory, "source-salt.bin");

    public string MetadataDatabase => Path.Combine(Root, "sdnet.db");

    /// <summary>What kind of store this instance was created with (SQLite or PostgreSQL).</summary>
    public string InstanceFile => Path.Combine(Root, "instance.json");

    public string JobDatabase => Path.Combine(Root, "jobs.db");

    public string IntakeDirectory => Path.Combine(Root, "intake");

    public string VaultDirectory => Path.Combine(Root, "vault");

    public string DataProtectionDirectory(string application) => Path.Combine(Root, "dataprotection", application);

    /// <summary>The key that encrypts one role's DataProtection key ring at rest; readable by that role's user only.</summary>
    public string DataProtectionKeyFile(string application) => Path.Combine(Root, "dataprotection", application + ".key");

    public string SealedSecretKeyFile(string fingerprint) =>
        Path.Combine(KeysDirectory, $"newsroom-{fingerprint}.secret");

    /// <summary>Opens an initialised data directory, refusing one that is missing or readable by others.</summary>
    public static DataDirectory Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var root = Path.GetFullPath(path);
        if (!Directory.Exists(root))
        {
            throw new DataDirectoryException(
                $"The data directory '{root}' does not exist. Create one with: sdnet init --data {root}");
        }

        var directory = new DataDirectory(root);
        if (!File.Exists(directory.ActivePublicKeyFile) || !File.Exists(directory.InstanceFile))
        {
            throw new DataDirectoryException(
                $"'{root}' is not an initialised SecureDrop.Net data directory. Create one with: sdnet init --data {root}");
        }

        directory.CheckPermissions();
        return directory;
    }

    /// <summary>Creates the directory tree for a new instance; the root must not exist or be empty.</summary>
    public static DataDirectory Create(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var root = Path.GetFullPath(path);
        if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
        {
            throw new DataDirectoryException(
                $"'{root}' is not empty. Choose a new directory, or remove this one if it holds nothing you need.");
        }

        var directory = new DataDirectory(root);
        CreateOwnerOnly(root);
        CreateOwnerOnly(directory.KeysDirectory);
        CreateOwnerOnly(directory.IntakeDirectory);
        CreateOwnerOnly(directory.VaultDirectory);
        CreateOwnerOnly(Path.Combine(root, "dataprotection"));
        return directory;
    }

    /// <summary>
    /// Writes a file readable by the owner only, flushed to disk before it appears under its name. With
    /// <paramref name="replace"/>, an existing file is replaced in one rename: readers see the old or the new one.
    /// </summary>
    public static void WriteOwnerOnlyFile(string path, ReadOnlySpan<byte> content, bool replace = false)
    {
        var temporary = path + ".tmp";
        if (replace)
        {
            File.Delete(temporary);
        }

        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: replace);
    }

    /// <summary>
    /// Creates an empty owner-only file for a database, so that SQLite, which gives its -wal and -shm files the
    /// main file's mode, never creates any of them readable by others.
    /// </summary>
    public static void CreateOwnerOnlyEmptyFile(string path) => WriteOwnerOnlyFile(path, []);

    private static void CreateOwnerOnly(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, OwnerOnlyDirectory);
        File.SetUnixFileMode(path, OwnerOnlyDirectory);
    }

    private void CheckPermissions()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        const UnixFileMode groupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        foreach (var path in new[] { Root, KeysDirectory })
        {
            if ((File.GetUnixFileMode(path) & groupOrOther) != 0)
            {
                throw new DataDirectoryException(
                    $"'{path}' can be read by other users. Fix it with: chmod -R go-rwx {Root}");
            }
        }
    }
}

/// <summary>A data directory that is missing, not initialised, or unsafe; the message names the fix.</summary>
public sealed class DataDirectoryException : Exception
{
    public DataDirectoryException(string message)
        : base(message)
    {
    }

    public DataDirectoryException()
    {
    }

    public DataDirectoryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

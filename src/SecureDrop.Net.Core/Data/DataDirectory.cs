using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using SecureDrop.Net.Core.Data.Layout;

namespace SecureDrop.Net.Core.Data;

/// <summary>Who besides the owner may use a file created in the data directory, in the multi-user layout.</summary>
public enum LayoutSharing
{
    /// <summary>Owner only: secret keys, wraps, ring keys, the audit anchor.</summary>
    None,

    /// <summary>Readable by the directory's group (all three users): settings, public keys.</summary>
    GroupRead,

    /// <summary>Read-write for the directory's group (worker and console): ciphertext items.</summary>
    GroupReadWrite,
}

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

    /// <summary>The three-user production layout, or null for the single-user (owner-only) layout.</summary>
    public MultiUserLayout? Layout { get; private set; }

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

    /// <summary>Opens an initialised data directory for the operator, refusing one that is missing or unsafe.</summary>
    public static DataDirectory Open(string path) => Open(path, ServiceRole.Operator);

    /// <summary>
    /// Opens an initialised data directory for <paramref name="role"/>, refusing one that is missing or unsafe: in the
    /// single-user layout anything open to the group or others; in the multi-user layout any owner, group or mode
    /// other than the layout's, SQLite as the store, or a role running as another user than its own.
    /// </summary>
    public static DataDirectory Open(string path, ServiceRole role)
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

        directory.Layout = OperatingSystem.IsWindows() ? null : MultiUserLayout.Read(directory);
        if (directory.Layout is null)
        {
            directory.CheckPermissions();
        }
        else
        {
            LayoutStartCheck.Check(directory, directory.Layout, role);
        }

        return directory;
    }

    /// <summary>
    /// The data directory at <paramref name="path"/> with none of <see cref="Open(string, ServiceRole)"/>'s refusals,
    /// for the self-audit, which reports what Open would refuse.
    /// </summary>
    public static DataDirectory ForAudit(string path)
    {
        var directory = new DataDirectory(Path.GetFullPath(path));
        directory.Layout = !OperatingSystem.IsWindows() && File.Exists(directory.InstanceFile) ? MultiUserLayout.Read(directory) : null;
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
    public static void WriteOwnerOnlyFile(string path, ReadOnlySpan<byte> content, bool replace = false) =>
        Write(path, content, replace, LayoutSharing.None);

    /// <summary>
    /// Like <see cref="WriteOwnerOnlyFile"/> for public material (settings, public keys): owner-only in the
    /// single-user layout, readable by the directory's group (the three service users) in the multi-user layout.
    /// </summary>
    public static void WritePublicFile(string path, ReadOnlySpan<byte> content, bool replace = false) =>
        Write(path, content, replace, LayoutSharing.GroupRead);

    /// <summary>
    /// Fits a file just created in a directory of the multi-user layout (a setgid directory) to that layout: its mode
    /// from <paramref name="sharing"/>, whatever the umask, and, when root (the operator's sdnet) created it, the
    /// directory's owner, so the console can read a key that 'sdnet keys rotate' wrote. Nothing changes in the
    /// single-user layout, where files stay owner-only.
    /// </summary>
    public static void FitToLayout(SafeFileHandle file, string path, LayoutSharing sharing)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var directory = UnixFiles.Stat(Path.GetDirectoryName(Path.GetFullPath(path))!);
        if ((directory.Mode & UnixFileMode.SetGroup) == 0)
        {
            return;
        }

        File.SetUnixFileMode(file, sharing switch
        {
            LayoutSharing.GroupRead => LayoutRules.PublicFile,
            LayoutSharing.GroupReadWrite => LayoutRules.ItemFile,
            _ => LayoutRules.PrivateFile,
        });
        if (UnixFiles.EffectiveUserId == 0 && directory.Uid != 0)
        {
            UnixFiles.GiveTo(file, directory.Uid);
        }
    }

    private static void Write(string path, ReadOnlySpan<byte> content, bool replace, LayoutSharing sharing)
    {
        // A name of its own for each writer: two processes of one role starting together (several front ends on one
        // data directory) both create the role's key file, and the one that loses the rename must find the winner's
        // file, not fail on the other's half-written temporary.
        var temporary = path + "." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                FitToLayout(stream.SafeFileHandle, temporary, sharing);
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            if (replace || OperatingSystem.IsWindows())
            {
                // rename(2) replaces in one step; Windows' move without overwrite refuses an existing name atomically.
                File.Move(temporary, path, overwrite: replace);
            }
            else
            {
                // File.Move without overwrite checks for the name and then renames: a second writer in between would
                // replace the first one's file, and the first process would go on with a key no longer on disk.
                UnixFiles.LinkToFreeName(temporary, path);
            }
        }
        finally
        {
            File.Delete(temporary);
        }
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

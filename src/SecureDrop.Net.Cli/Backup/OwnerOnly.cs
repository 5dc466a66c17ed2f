namespace SecureDrop.Net.Cli.Backup;

/// <summary>Files and directories only their owner can read: backups, snapshots and restored data.</summary>
internal static class OwnerOnly
{
    private const UnixFileMode Directory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(path);
            return;
        }

        System.IO.Directory.CreateDirectory(path, Directory);
    }

    /// <summary>A new file (never an existing one), readable and writable by its owner only.</summary>
    public static FileStream CreateFile(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, BufferSize = 1 << 16 };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = File;
        }

        return new FileStream(path, options);
    }

    /// <summary>Sets owner-only modes on a whole tree: 0700 directories, 0600 files.</summary>
    public static void Tree(string root)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        System.IO.File.SetUnixFileMode(root, Directory);
        foreach (var directory in System.IO.Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories))
        {
            System.IO.File.SetUnixFileMode(directory, Directory);
        }

        foreach (var file in System.IO.Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            System.IO.File.SetUnixFileMode(file, File);
        }
    }
}

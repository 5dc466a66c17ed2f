using System.Runtime.InteropServices;

namespace SecureDrop.Net.Cli.Examine;

/// <summary>The four times a Linux file system keeps for a path, as statx(2) reports them, to the nanosecond.</summary>
/// <param name="Birth">When the inode was created; null where the file system does not record it.</param>
internal readonly partial record struct FileTimes(string Path, long Size, bool IsDirectory, DateTimeOffset? Birth, DateTimeOffset Change, DateTimeOffset Modify, DateTimeOffset Access)
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7FF;
    private const uint StatxBirthTime = 0x800;

    /// <summary>What an examiner's <c>stat</c> shows for <paramref name="path"/> (not following a symbolic link); null when it is gone.</summary>
    public static unsafe FileTimes? Read(string path)
    {
        var buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxBasicStats | StatxBirthTime, buffer) != 0)
        {
            return null;
        }

        // struct statx (linux/stat.h): mask at 0, mode at 28, size at 40; atime, btime, ctime, mtime at 64, 80, 96, 112.
        var mask = *(uint*)buffer;
        var mode = *(ushort*)(buffer + 28);
        var size = *(long*)(buffer + 40);
        return new FileTimes(
            path,
            size,
            (mode & 0xF000) == 0x4000,
            (mask & StatxBirthTime) != 0 ? Time(buffer + 80) : null,
            Time(buffer + 96),
            Time(buffer + 112),
            Time(buffer + 64));
    }

    /// <summary>Every path under each root (the roots themselves included), depth first, read before anything else touches them.</summary>
    public static IReadOnlyList<FileTimes> Walk(IEnumerable<string> roots)
    {
        var found = new List<FileTimes>();
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        foreach (var root in roots.Where(Directory.Exists))
        {
            foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", options).Prepend(root))
            {
                if (Read(path) is { } times)
                {
                    found.Add(times);
                }
            }
        }

        return found;
    }

    private static unsafe DateTimeOffset Time(byte* timestamp)
    {
        var seconds = *(long*)timestamp;
        var nanoseconds = *(uint*)(timestamp + 8);
        return DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(nanoseconds / 100);
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int Statx(int directory, string path, int flags, uint mask, byte* buffer);
}

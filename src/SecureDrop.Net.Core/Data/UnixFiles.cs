using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace SecureDrop.Net.Core.Data;

/// <summary>Owner, group and mode bits (setuid, setgid and sticky included) of one path.</summary>
public readonly record struct UnixFileStatus(uint Uid, uint Gid, UnixFileMode Mode)
{
    /// <summary>The mode as chmod takes it, e.g. 2750.</summary>
    public string Octal => Convert.ToString((int)Mode, 8).PadLeft(4, '0');
}

/// <summary>
/// What .NET has no API for: a path's owner and group, the effective user id, giving a file to another user,
/// starting writeback of part of a file, flushing a directory, and giving a file a new name only if that name is free.
/// Linux only (statx(2) has the same layout on every architecture).
/// </summary>
public static partial class UnixFiles
{
    private const int AtFdCwd = -100;
    private const uint StatxMode = 0x2;
    private const uint StatxUid = 0x8;
    private const uint StatxGid = 0x10;
    private const uint Unchanged = uint.MaxValue;
    private const uint SyncFileRangeWrite = 0x2;
    private const int EExist = 17;

    /// <summary>Owner, group and mode of <paramref name="path"/> (of a symbolic link's target).</summary>
    public static unsafe UnixFileStatus Stat(string path)
    {
        var buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, path, 0, StatxMode | StatxUid | StatxGid, buffer) != 0)
        {
            throw new IOException($"Cannot read the owner and mode of '{path}' (errno {Marshal.GetLastPInvokeError()}).");
        }

        var uid = *(uint*)(buffer + 20);
        var gid = *(uint*)(buffer + 24);
        var mode = *(ushort*)(buffer + 28);
        return new UnixFileStatus(uid, gid, (UnixFileMode)(mode & 0xFFF));
    }

    public static uint EffectiveUserId => GetEffectiveUserId();

    /// <summary>Gives an open file to <paramref name="uid"/>, keeping its group. Needs root.</summary>
    public static void GiveTo(SafeFileHandle file, uint uid)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (FileChown((int)file.DangerousGetHandle(), uid, Unchanged) != 0)
        {
            throw new IOException($"Cannot give a new file to uid {uid} (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    /// <summary>
    /// Asks the kernel to start writing a written range of a file to disk and returns without waiting for it
    /// (sync_file_range(2) with SYNC_FILE_RANGE_WRITE). Only a head start for a later fsync, which alone makes the
    /// data durable: false, and nothing done, where the call is missing or refused.
    /// </summary>
    public static bool StartWriteback(SafeFileHandle file, long offset, long count)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return SyncFileRange((int)file.DangerousGetHandle(), offset, count, SyncFileRangeWrite) == 0;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Sets owner and group of <paramref name="path"/> without following a symbolic link. Needs root.</summary>
    public static void SetOwner(string path, uint uid, uint gid)
    {
        if (LinkChown(path, uid, gid) != 0)
        {
            throw new IOException($"Cannot chown '{path}' to {uid}:{gid} (errno {Marshal.GetLastPInvokeError()}); run this as root.");
        }
    }

    /// <summary>
    /// Flushes a directory's entries to disk (fsync(2) of the directory): after a rename into it, what makes the new
    /// name survive a power cut, not only the file's content. Nothing to do on Windows.
    /// </summary>
    public static void SyncDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // O_RDONLY | O_CLOEXEC: a directory opens read-only without O_DIRECTORY, whose value differs between architectures.
        var descriptor = OpenPath(path, 0x80000);
        if (descriptor < 0)
        {
            throw new IOException($"Cannot open the directory '{path}' to flush it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(descriptor) != 0)
            {
                throw new IOException($"Cannot flush the directory '{path}' to disk (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    /// <summary>
    /// Gives <paramref name="existing"/> the second name <paramref name="newPath"/> (link(2)), refusing with
    /// <see cref="IOException"/> when that name exists: unlike File.Move without overwrite, which checks and then
    /// renames, nothing can take the name in between.
    /// </summary>
    public static void LinkToFreeName(string existing, string newPath)
    {
        if (Link(existing, newPath) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException(errno == EExist
                ? $"The file '{newPath}' already exists."
                : $"Cannot create '{newPath}' (errno {errno}).");
        }
    }

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Link(string existing, string newPath);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int OpenPath(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int Statx(int directory, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    private static partial int SyncFileRange(int descriptor, long offset, long count, uint flags);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();

    [LibraryImport("libc", EntryPoint = "fchown", SetLastError = true)]
    private static partial int FileChown(int descriptor, uint uid, uint gid);

    [LibraryImport("libc", EntryPoint = "lchown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int LinkChown(string path, uint uid, uint gid);
}

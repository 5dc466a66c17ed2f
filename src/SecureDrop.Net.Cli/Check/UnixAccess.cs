using SecureDrop.Net.Core.Data;

namespace SecureDrop.Net.Cli.Check;

/// <summary>A local user as /etc/passwd and /etc/group describe it.</summary>
internal sealed record UnixUser(string Name, uint Uid, IReadOnlySet<uint> Groups);

/// <summary>
/// Who may read a file, from its owner, group and mode bits along the whole path (each directory needs search
/// permission). POSIX ACLs and capabilities are not considered; root reads everything.
/// </summary>
internal static class UnixAccess
{
    /// <summary>Owner, group and permission bits of a path.</summary>
    public static (uint Uid, uint Gid, UnixFileMode Mode) Stat(string path)
    {
        var status = UnixFiles.Stat(path);
        return (status.Uid, status.Gid, status.Mode);
    }

    /// <summary>The user with this name, or null when there is none.</summary>
    public static UnixUser? FindUser(string name)
    {
        var entry = File.ReadLines("/etc/passwd").Select(line => line.Split(':')).FirstOrDefault(fields => fields.Length >= 4 && fields[0] == name);
        if (entry is null)
        {
            return null;
        }

        var groups = new HashSet<uint> { uint.Parse(entry[3], System.Globalization.CultureInfo.InvariantCulture) };
        foreach (var fields in File.ReadLines("/etc/group").Select(line => line.Split(':')).Where(fields => fields.Length >= 4))
        {
            if (fields[3].Split(',').Contains(name, StringComparer.Ordinal))
            {
                groups.Add(uint.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return new UnixUser(name, uint.Parse(entry[2], System.Globalization.CultureInfo.InvariantCulture), groups);
    }

    /// <summary>Whether <paramref name="user"/> can open <paramref name="file"/> for reading.</summary>
    public static bool CanRead(UnixUser user, string file)
    {
        if (user.Uid == 0)
        {
            return true;
        }

        var full = Path.GetFullPath(file);
        var directory = Path.GetDirectoryName(full);
        var ancestors = new List<string>();
        while (directory is not null)
        {
            ancestors.Add(directory);
            directory = Path.GetDirectoryName(directory);
        }

        return ancestors.All(path => Allows(user, Stat(path), execute: true)) && Allows(user, Stat(full), execute: false);
    }

    private static bool Allows(UnixUser user, (uint Uid, uint Gid, UnixFileMode Mode) stat, bool execute)
    {
        var (ownerBit, groupBit, otherBit) = execute
            ? (UnixFileMode.UserExecute, UnixFileMode.GroupExecute, UnixFileMode.OtherExecute)
            : (UnixFileMode.UserRead, UnixFileMode.GroupRead, UnixFileMode.OtherRead);
        if (stat.Uid == user.Uid)
        {
            return (stat.Mode & ownerBit) != 0;
        }

        return user.Groups.Contains(stat.Gid) ? (stat.Mode & groupBit) != 0 : (stat.Mode & otherBit) != 0;
    }
}

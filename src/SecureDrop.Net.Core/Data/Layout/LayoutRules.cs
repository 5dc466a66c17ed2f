using System.Globalization;

namespace SecureDrop.Net.Core.Data.Layout;

/// <summary>One path of the multi-user layout: its owner (null: any), group and exact mode.</summary>
public sealed record ExpectedEntry(string Path, UnixAccount? Owner, UnixAccount Group, UnixFileMode Mode, bool IsDirectory);

/// <summary>A path whose owner, group or mode differ from the layout, with the commands that fix it.</summary>
public sealed record LayoutProblem(string Path, string Message);

/// <summary>
/// Who owns what in the multi-user layout, checked by every role at start and by 'sdnet check', and applied by
/// 'sdnet init --layout multi-user'. Directories shared with a group are setgid, so what a process creates in them
/// gets the directory's group; the code sets each new file's mode itself (the units' UMask=0077 stays).
/// </summary>
public static class LayoutRules
{
    public const UnixFileMode SharedDirectory = (UnixFileMode)0b010_111_101_000; // 2750
    public const UnixFileMode ItemDirectory = (UnixFileMode)0b010_111_111_000; // 2770
    public const UnixFileMode PrivateDirectory = (UnixFileMode)0b111_000_000; // 0700
    public const UnixFileMode PublicFile = (UnixFileMode)0b110_100_000; // 0640
    public const UnixFileMode PrivateFile = (UnixFileMode)0b110_000_000; // 0600
    public const UnixFileMode ItemFile = (UnixFileMode)0b110_110_000; // 0660

    /// <summary>The directories, key files, settings and DataProtection key files; not the items.</summary>
    public static IEnumerable<ExpectedEntry> Fixed(DataDirectory data, MultiUserLayout layout)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(layout);
        var (console, shared) = (layout.Console, layout.SharedGroup);
        yield return new(data.Root, console, shared, SharedDirectory, true);
        yield return new(data.InstanceFile, console, shared, PublicFile, false);
        yield return new(data.KeysDirectory, console, shared, SharedDirectory, true);
        foreach (var file in (Directory.Exists(data.KeysDirectory) ? Directory.GetFiles(data.KeysDirectory) : []).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            if (name.EndsWith(".tmp", StringComparison.Ordinal))
            {
                continue; // being replaced right now
            }

            yield return name switch
            {
                "newsroom-public.asc" or "newsroom-keys.json" => new(file, console, shared, PublicFile, false),
                "source-salt.bin" => new(file, layout.FrontEnd, shared, PrivateFile, false),
                _ => new(file, console, shared, PrivateFile, false), // sealed secret keys, vault-key wraps
            };
        }

        yield return new(data.IntakeDirectory, layout.FrontEnd, layout.BackendGroup, ItemDirectory, true);
        yield return new(data.VaultDirectory, layout.Worker, layout.BackendGroup, ItemDirectory, true);
        yield return new(Path.GetDirectoryName(data.DataProtectionDirectory(DataProtectionRoles.FrontEnd))!, console, shared, SharedDirectory, true);
        yield return new(data.DataProtectionDirectory(DataProtectionRoles.FrontEnd), layout.FrontEnd, shared, PrivateDirectory, true);
        yield return new(data.DataProtectionKeyFile(DataProtectionRoles.FrontEnd), layout.FrontEnd, shared, PrivateFile, false);
        yield return new(data.DataProtectionDirectory(DataProtectionRoles.Console), console, shared, PrivateDirectory, true);
        yield return new(data.DataProtectionKeyFile(DataProtectionRoles.Console), console, shared, PrivateFile, false);
        // The worker's key file and the SMTP password sealed under it ('sdnet secrets set-smtp-password'), when set.
        foreach (var workerFile in new[] { data.DataProtectionKeyFile("worker"), Path.Combine(data.Root, "smtp-password.sealed") })
        {
            if (File.Exists(workerFile))
            {
                yield return new(workerFile, layout.Worker, shared, PrivateFile, false);
            }
        }

        var auditHead = Path.Combine(data.Root, "audit-head");
        if (File.Exists(auditHead))
        {
            yield return new(auditHead, console, shared, PrivateFile, false);
        }
    }

    /// <summary>Ciphertext in intake/ and vault/: any owner, the backend group, read-write for it.</summary>
    public static IEnumerable<ExpectedEntry> Items(DataDirectory data, MultiUserLayout layout)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(layout);
        return new[] { data.IntakeDirectory, data.VaultDirectory }
            .Where(Directory.Exists)
            .SelectMany(directory => Directory.GetFiles(directory).Order(StringComparer.Ordinal))
            .Select(file => new ExpectedEntry(file, null, layout.BackendGroup, ItemFile, false));
    }

    /// <summary>Every entry that differs from the layout, each with its fix.</summary>
    public static IReadOnlyList<LayoutProblem> Verify(IEnumerable<ExpectedEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var problems = new List<LayoutProblem>();
        foreach (var entry in entries)
        {
            var exists = entry.IsDirectory ? Directory.Exists(entry.Path) : File.Exists(entry.Path);
            if (!exists)
            {
                problems.Add(new(entry.Path, $"'{entry.Path}' is missing. Fix: {CreateCommand(entry)}"));
                continue;
            }

            var actual = UnixFiles.Stat(entry.Path);
            if ((entry.Owner is null || actual.Uid == entry.Owner.Id) && actual.Gid == entry.Group.Id && actual.Mode == entry.Mode)
            {
                continue;
            }

            problems.Add(new(entry.Path, string.Create(CultureInfo.InvariantCulture,
                $"'{entry.Path}' is {actual.Uid}:{actual.Gid} mode {actual.Octal}; the multi-user layout needs {Describe(entry)}. Fix: {FixCommand(entry)}")));
        }

        return problems;
    }

    /// <summary>Gives every entry its owner, group and mode (run as root, by 'sdnet init --layout multi-user').</summary>
    public static void Apply(IEnumerable<ExpectedEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The multi-user layout uses Unix owners and modes.");
        }

        foreach (var entry in entries.ToList())
        {
            var owner = entry.Owner?.Id ?? UnixFiles.Stat(entry.Path).Uid;
            UnixFiles.SetOwner(entry.Path, owner, entry.Group.Id);
            File.SetUnixFileMode(entry.Path, entry.Mode); // after chown, which clears the setgid bit
        }
    }

    private static string Describe(ExpectedEntry entry) =>
        $"{(entry.Owner is null ? "any owner" : "owner " + entry.Owner)}, group {entry.Group}, mode {Octal(entry.Mode)}";

    private static string FixCommand(ExpectedEntry entry) => entry.Owner is null
        ? $"chgrp {entry.Group.Id} '{entry.Path}' && chmod {Octal(entry.Mode)} '{entry.Path}'"
        : $"chown {entry.Owner.Id}:{entry.Group.Id} '{entry.Path}' && chmod {Octal(entry.Mode)} '{entry.Path}'";

    private static string CreateCommand(ExpectedEntry entry) => entry.IsDirectory
        ? $"install -d -m {Octal(entry.Mode)} -o {entry.Owner?.Id ?? 0} -g {entry.Group.Id} '{entry.Path}'"
        : entry.Path.EndsWith(".key", StringComparison.Ordinal)
            ? $"head -c 32 /dev/urandom > '{entry.Path}' && {FixCommand(entry)} (a new ring key: the role's sessions end once)"
            : "restore it from a backup";

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');
}

/// <summary>The DataProtection key ring names of the two web roles (dataprotection/NAME/ and dataprotection/NAME.key).</summary>
public static class DataProtectionRoles
{
    public const string FrontEnd = "submission";
    public const string Console = "reviewer";
}

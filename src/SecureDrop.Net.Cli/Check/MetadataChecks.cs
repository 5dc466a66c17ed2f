using System.Globalization;

namespace SecureDrop.Net.Cli.Check;

/// <summary>
/// Settings that re-open what the ingest window closes (invariant 9): a short window places each tip closer in time,
/// and a file system that updates access times on every read records when a source's visit read a file.
/// </summary>
internal static class MetadataChecks
{
    /// <summary>The window the services use, as they read it: the console's setting, else Ingest__Window, else one hour.</summary>
    public static CheckResult IngestWindow(TimeSpan? console, string? configured)
    {
        const string Name = "ingest window";
        var fallback = TimeSpan.FromHours(1);
        var window = console ?? (TimeSpan.TryParse(configured, CultureInfo.InvariantCulture, out var parsed) ? parsed : fallback);
        var text = window.TotalHours >= 1 ? $"{window.TotalHours:0.##} h" : $"{window.TotalMinutes:0.##} min";
        return window < fallback
            ? new(Verdict.Weak, Name, $"tips are ingested every {text}: a seized server places each one's arrival within {text}. Fix: set the window back to 1 hour or more on the console's settings page (/admin/settings) or Ingest__Window")
            : new(Verdict.Ok, Name, $"tips are ingested every {text}, in an order that says nothing about arrival");
    }

    /// <summary>
    /// Access times of the file system holding the data directory. With strictatime every read stamps the file: a
    /// reply a source reads, the pending record of a source signing in, the database. noatime records none.
    /// </summary>
    public static CheckResult AccessTimes(string root, string mountInfo = "/proc/self/mountinfo")
    {
        const string Name = "file access times";
        if (!File.Exists(mountInfo))
        {
            return new(Verdict.Ok, Name, "not checked (no /proc/self/mountinfo)");
        }

        var path = Path.GetFullPath(root).TrimEnd('/') + "/";
        var mount = File.ReadLines(mountInfo)
            .Select(line => line.Split(' '))
            .Where(fields => fields.Length > 6)
            .Select(fields => (Point: Unescape(fields[4]), Options: fields[5].Split(',')))
            .Where(m => path.StartsWith(m.Point.TrimEnd('/') + "/", StringComparison.Ordinal))
            .MaxBy(m => m.Point.Length);
        if (mount.Point is null)
        {
            return new(Verdict.Ok, Name, "not checked (the data directory's mount was not found)");
        }

        if (mount.Options.Contains("noatime"))
        {
            return new(Verdict.Ok, Name, $"{mount.Point} is mounted noatime: reads leave no time");
        }

        return mount.Options.Contains("relatime")
            ? new(Verdict.Ok, Name, $"{mount.Point} is mounted relatime: a file's first read after each change is stamped (noatime records none: add it to the mount options)")
            : new(Verdict.Weak, Name, $"{mount.Point} updates access times on every read (strictatime): each reply a source reads and each sign-in are stamped with their time. Fix: mount it with noatime (or relatime)");
    }

    // mountinfo escapes spaces, tabs, newlines and backslashes as octal (\040...).
    private static string Unescape(string field) => System.Text.RegularExpressions.Regex.Replace(
        field, @"\\([0-7]{3})", match => ((char)Convert.ToInt32(match.Groups[1].Value, 8)).ToString());
}

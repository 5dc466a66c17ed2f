namespace SecureDrop.Net.Cli.Examine;

/// <summary>
/// What the file system says about each submission: the birth, change, modify and access times of every path whose
/// name holds one of its ids, under the data directory and the temporary directories; and the order of their births.
/// </summary>
internal static class FileSystemEvidence
{
    /// <summary>The birth of a vault file that an ingest run made: the examiner reads such births as runs.</summary>
    public const string RunBirth = "vault file birth (ingest run)";

    /// <summary>
    /// Whether a vault file bears the ingest run's stamp: modification time set to whole seconds, at most two seconds
    /// before its birth. A file renamed into the vault by a per-submission ingest (as before ingest windows) was
    /// last modified when its upload ended, to the nanosecond: its birth is the upload's start, not a run.
    /// </summary>
    private static bool RunStamped(FileTimes path, DateTimeOffset birth) =>
        Path.GetFileName(Path.GetDirectoryName(path.Path)) == "vault"
        && path.Modify.UtcTicks % TimeSpan.TicksPerSecond == 0
        && birth - path.Modify >= TimeSpan.Zero && birth - path.Modify <= TimeSpan.FromSeconds(2);

    public static void Collect(Evidence evidence, IReadOnlyList<FileTimes> paths)
    {
        foreach (var path in paths)
        {
            var name = Path.GetFileName(path.Path);
            foreach (var submission in evidence.SubmissionsIn(name).Distinct())
            {
                if (path.Birth is { } birth)
                {
                    evidence.Traces.Add(new Trace(submission, RunStamped(path, birth) ? RunBirth : "file birth", birth, path.Path));
                    evidence.Positions.Add(new Position(submission, "file birth order", birth.UtcTicks));
                }

                evidence.Traces.Add(new Trace(submission, "file change", path.Change, path.Path));
                evidence.Traces.Add(new Trace(submission, "file modify", path.Modify, path.Path));
                evidence.Traces.Add(new Trace(submission, "file access", path.Access, path.Path));
                evidence.Positions.Add(new Position(submission, "file change order", path.Change.UtcTicks));
            }
        }

        if (paths.All(path => path.Birth is null))
        {
            evidence.Notes.Add("The file system records no birth times (statx gave none): only change, modify and access times were read.");
        }
    }
}

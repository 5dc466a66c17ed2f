namespace SecureDrop.Net.Cli.Examine;

/// <summary>
/// Logs and journal output (text files under the given directories): a line naming a submission's or item's id
/// gives its time where the line carries one, and its place in the log in any case (lines are written in order).
/// </summary>
internal static class LogEvidence
{
    /// <summary>What the worker logs once per ingest window (event 2002); the examiner reads its time as a run.</summary>
    public const string IngestWindowLine = "Ingest window closed";

    public static void Collect(Evidence evidence, IEnumerable<string> directories, TimeCarver carver)
    {
        var line = 0;
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true };
        foreach (var file in directories.Where(Directory.Exists).SelectMany(directory => Directory.EnumerateFiles(directory, "*", options)).Order(StringComparer.Ordinal))
        {
            foreach (var text in File.ReadLines(file))
            {
                line++;
                var times = carver.InText(text).ToList();
                if (text.Contains(IngestWindowLine, StringComparison.Ordinal) && times.Count > 0)
                {
                    evidence.Runs.Add(new IngestRun(times.Min(), times.Max(), $"{file}:{line}"));
                }

                foreach (var submission in evidence.SubmissionsIn(text).Distinct())
                {
                    evidence.Positions.Add(new Position(submission, "log line", line));
                    evidence.Traces.AddRange(times.Select(time => new Trace(submission, "log line", time, $"{file}:{line}")));
                }
            }
        }
    }
}

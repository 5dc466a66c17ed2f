namespace SecureDrop.Net.Cli.Examine;

/// <summary>A submission as the seized metadata (or intake/, for one still in flight) shows it.</summary>
/// <param name="Items">Its items: id, kind ("message" or "file"), stored size.</param>
/// <param name="ReceivedDay">The day column (yyyy-MM-dd), null while in flight.</param>
internal sealed record Subject(string SubmissionId, string? SourceId, string? ReceivedDay, bool InFlight, IReadOnlyList<SubjectItem> Items);

internal sealed record SubjectItem(string ItemId, string Kind, long StoredBytes);

/// <summary>A moment that some artifact ties to a submission (one of its ids is in the artifact).</summary>
/// <param name="Channel">What kind of artifact: "file birth", "hangfire job", "postgresql commit", "carved timestamp"...</param>
/// <param name="Where">The path, table or record, for the report.</param>
internal sealed record Trace(string SubmissionId, string Channel, DateTimeOffset Time, string Where);

/// <summary>A position of a submission in some sequence an artifact keeps (row ids, WAL frames, birth times, log lines).</summary>
internal sealed record Position(string SubmissionId, string Channel, double Key);

/// <summary>One run of the ingest-window job: when it started and when its last trace was made.</summary>
internal sealed record IngestRun(DateTimeOffset Start, DateTimeOffset End, string Evidence);

/// <summary>Everything the examiner collected before reasoning about it.</summary>
internal sealed class Evidence
{
    public List<Subject> Subjects { get; } = [];

    public List<Trace> Traces { get; } = [];

    public List<Position> Positions { get; } = [];

    public List<IngestRun> Runs { get; } = [];

    /// <summary>Things read and not understood, or sources that could not be read: said in the report, never silently dropped.</summary>
    public List<string> Notes { get; } = [];

    /// <summary>
    /// Every id the examiner looks for, mapped to its submission; a source's id maps to <see cref="SourceKey"/>, so
    /// that what dates a source (its row's commit, a file named after it) is read as a link, not as its submissions'.
    /// </summary>
    public Dictionary<string, string> SubmissionOfId { get; } = new(StringComparer.Ordinal);

    public void Add(Subject subject)
    {
        Subjects.Add(subject);
        SubmissionOfId[subject.SubmissionId] = subject.SubmissionId;
        if (subject.SourceId is { } source)
        {
            SubmissionOfId[source] = SourceKey(source);
        }

        foreach (var item in subject.Items)
        {
            SubmissionOfId[item.ItemId] = subject.SubmissionId;
        }
    }

    /// <summary>The key under which traces of a source are kept.</summary>
    public static string SourceKey(string sourceId) => "source " + sourceId;

    /// <summary>The submission whose id (or an item's) occurs in <paramref name="text"/>, if any: ids are 32 lower-case hex digits.</summary>
    public IEnumerable<string> SubmissionsIn(string text)
    {
        for (var at = 0; at + 32 <= text.Length; at++)
        {
            if (!IsHex(text[at]))
            {
                continue;
            }

            var end = at;
            while (end < text.Length && IsHex(text[end]))
            {
                end++;
            }

            for (var start = at; start + 32 <= end; start++)
            {
                if (SubmissionOfId.TryGetValue(text.Substring(start, 32), out var submission))
                {
                    yield return submission;
                }
            }

            at = end;
        }
    }

    private static bool IsHex(char c) => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f';
}

using System.Globalization;

namespace SecureDrop.Net.Cli.Examine;

/// <summary>What the examiner concludes about one submission.</summary>
/// <param name="Low">The earliest moment it can have arrived, by the evidence; null when nothing bounds it from below.</param>
/// <param name="High">The latest moment; null when nothing ties it to a time at all.</param>
/// <param name="Basis">Which evidence set the bounds.</param>
/// <param name="Run">The ingest run (index into the report's runs) whose traces are its earliest, if any.</param>
/// <param name="Links">
/// Traces of its source (not of an ingest run) dated inside its interval: moments at which the examiner sees the
/// source active in the very window the submission arrived in, which tie the submission to that moment.
/// </param>
internal sealed record SubmissionFinding(string SubmissionId, bool InFlight, DateTimeOffset? Low, DateTimeOffset? High, string Basis, int? Run, IReadOnlyList<SizeRange> Sizes, IReadOnlyList<string> Links)
{
    public TimeSpan? Width => Low is { } low && High is { } high ? high - low : null;
}

/// <summary>The order one kind of evidence puts the submissions of one ingest run in (or those in flight, Run null).</summary>
internal sealed record OrderFinding(int? Run, string Channel, IReadOnlyList<string> Order);

internal sealed record ExamReport(
    DateTimeOffset ExaminedAt,
    IReadOnlyList<IngestRun> Runs,
    IReadOnlyList<SubmissionFinding> Submissions,
    IReadOnlyList<OrderFinding> Orders,
    IReadOnlyList<string> Notes);

/// <summary>
/// Reasons from the evidence to the narrowest arrival interval, size range and order it supports, as an examiner
/// who has read this program's code would. A submission's earliest trace is its latest possible arrival (nothing
/// about it exists before it arrived). If that trace was made by an ingest run (it falls within a run's start and
/// end), the submission arrived after the run before it began (or that run would have taken it); otherwise the
/// trace was made while the source's request was handled (an intake file, a per-tip job, a log line, a commit), and
/// it is the arrival itself. The received day bounds both.
/// </summary>
internal static class Examiner
{
    // Births of vault files further apart than this belong to different runs.
    private static readonly TimeSpan RunGap = TimeSpan.FromSeconds(2);

    // A run's own traces may be stamped up to a second before it (mtime set to the window boundary, in whole seconds).
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(1);

    public static ExamReport Reason(Evidence evidence, DateTimeOffset examinedAt, Func<SubjectItem, string?> itemPath)
    {
        var runs = Runs(evidence);
        var findings = new List<SubmissionFinding>();
        var tracesOf = evidence.Traces.ToLookup(trace => trace.SubmissionId, StringComparer.Ordinal);
        foreach (var subject in evidence.Subjects)
        {
            var sizes = subject.Items.Select(item => itemPath(item) is { } path ? SizeEvidence.Read(path, item.ItemId, item.Kind) : null).OfType<SizeRange>().ToList();
            var earliest = tracesOf[subject.SubmissionId].MinBy(trace => trace.Time);
            DateTimeOffset? low = null, high = null;
            int? run = null;
            var basis = "no trace";
            if (earliest is not null)
            {
                high = earliest.Time;
                // A submission still in flight was taken by no run, whatever a run did at the moment it arrived.
                var index = subject.InFlight ? -1 : runs.FindIndex(r => earliest.Time >= r.Start - Slack && earliest.Time <= r.End + Slack);
                if (index >= 0)
                {
                    run = index;
                    low = index > 0 ? runs[index - 1].Start : null;
                    basis = $"ingested by run {index} ({runs[index].Evidence}); " + (index > 0 ? $"after run {index - 1} began" : "no earlier run seen");
                }
                else
                {
                    low = earliest.Time;
                    basis = $"{earliest.Channel} at {earliest.Where}";
                }
            }

            if (subject.ReceivedDay is { } day && DateTimeOffset.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var dayStart))
            {
                low = low is { } l && l > dayStart ? l : dayStart;
                high = high is { } h && h < dayStart.AddDays(1) ? h : dayStart.AddDays(1);
                basis += $"; received_day {day}";
            }

            findings.Add(new SubmissionFinding(subject.SubmissionId, subject.InFlight, low, high, basis, run, sizes, Links(subject, low, high, runs, tracesOf)));
        }

        return new ExamReport(examinedAt, runs, findings, Orders(evidence, findings), evidence.Notes);
    }

    /// <summary>
    /// What dates the submission's source, outside the ingest runs, within the submission's own interval: the source's
    /// creation or a visit seen in the window the submission arrived in links the two, and narrows where it came.
    /// </summary>
    private static List<string> Links(Subject subject, DateTimeOffset? low, DateTimeOffset? high, List<IngestRun> runs, ILookup<string, Trace> tracesOf)
    {
        if (subject.SourceId is not { } source || high is not { } until)
        {
            return [];
        }

        var from = low ?? DateTimeOffset.MinValue;
        return [.. tracesOf[Evidence.SourceKey(source)]
            .Where(trace => trace.Time > from && trace.Time < until && !runs.Any(r => trace.Time >= r.Start - Slack && trace.Time <= r.End + Slack))
            .OrderBy(trace => trace.Time)
            .Select(trace => string.Create(CultureInfo.InvariantCulture, $"{trace.Channel} at {trace.Time:O} ({trace.Where})"))
            .Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The target a finding must meet: its interval no narrower than the window that ingested it (or a day).</summary>
    public static IEnumerable<string> BelowTargets(ExamReport report, TimeSpan window)
    {
        foreach (var finding in report.Submissions.Where(f => !f.InFlight))
        {
            if (finding.Run is not { } run)
            {
                yield return $"{finding.SubmissionId}: its earliest trace is not an ingest run's ({finding.Basis}): arrival known to {Format(finding.Width)}";
                continue;
            }

            // The window actually kept: from the run before (or the start of the received day, when later) to this one.
            // A window closed early by "trigger now" is shorter, and so is one that such a close made straddle midnight;
            // scheduled windows divide the day, so for them the day never narrows anything.
            var kept = finding.Low is { } from ? report.Runs[run].Start - from : window;
            var target = kept < window ? kept : window;
            if (finding.Width is { } width && width < target - Slack - Slack)
            {
                yield return $"{finding.SubmissionId}: arrival known to {Format(width)}, less than its window ({Format(target)})";
            }
        }

        foreach (var size in report.Submissions.SelectMany(f => f.Sizes))
        {
            if (!size.Padded)
            {
                yield return $"item {size.ItemId}: stored unpadded ({size.InnerBytes} inner octets): plaintext {size.Low}–{size.High} octets";
            }
        }
    }

    public static string Format(TimeSpan? span) => span switch
    {
        null => "unbounded",
        { TotalDays: >= 1 } s => $"{s.TotalDays:0.##} d",
        { TotalHours: >= 1 } s => $"{s.TotalHours:0.##} h",
        { TotalMinutes: >= 1 } s => $"{s.TotalMinutes:0.##} min",
        { } s => $"{s.TotalSeconds:0.###} s",
    };

    /// <summary>Ingest runs from Hangfire and the logs, and from births of run-stamped vault files close together.</summary>
    private static List<IngestRun> Runs(Evidence evidence)
    {
        var births = evidence.Traces
            .Where(trace => trace.Channel == FileSystemEvidence.RunBirth)
            .Select(trace => trace.Time)
            .Order()
            .ToList();
        var candidates = new List<IngestRun>(evidence.Runs);
        for (var i = 0; i < births.Count;)
        {
            var j = i;
            while (j + 1 < births.Count && births[j + 1] - births[j] <= RunGap)
            {
                j++;
            }

            candidates.Add(new IngestRun(births[i], births[j], "vault file births"));
            i = j + 1;
        }

        var merged = new List<IngestRun>();
        foreach (var run in candidates.OrderBy(run => run.Start))
        {
            if (merged.Count > 0 && run.Start <= merged[^1].End + Slack)
            {
                var last = merged[^1];
                merged[^1] = new IngestRun(last.Start, run.End > last.End ? run.End : last.End, last.Evidence.Contains(run.Evidence, StringComparison.Ordinal) ? last.Evidence : last.Evidence + ", " + run.Evidence);
            }
            else
            {
                merged.Add(run);
            }
        }

        return merged;
    }

    private static List<OrderFinding> Orders(Evidence evidence, List<SubmissionFinding> findings)
    {
        var orders = new List<OrderFinding>();
        var positions = evidence.Positions.ToLookup(position => position.Channel, StringComparer.Ordinal);
        foreach (var group in findings.Where(f => f.Run is not null || f.InFlight).GroupBy(f => f.Run))
        {
            var members = group.Select(f => f.SubmissionId).ToHashSet(StringComparer.Ordinal);
            if (members.Count < 2)
            {
                continue;
            }

            foreach (var channel in positions)
            {
                var ordered = channel.Where(p => members.Contains(p.SubmissionId))
                    .GroupBy(p => p.SubmissionId).Select(g => g.MinBy(p => p.Key)!)
                    .OrderBy(p => p.Key).Select(p => p.SubmissionId).ToList();
                if (ordered.Count >= 2)
                {
                    orders.Add(new OrderFinding(group.Key, channel.Key, ordered));
                }
            }
        }

        return orders;
    }
}

using System.Globalization;

namespace SecureDrop.Net.Cli.Examine;

/// <summary>The examiner's report for a person: runs, then per submission its interval and sizes, orders, notes, verdict.</summary>
internal static class ExamineText
{
    public static async Task WriteAsync(TextWriter output, ExamReport report, IReadOnlyList<string> below)
    {
        await output.WriteLineAsync($"Examined at {Time(report.ExaminedAt)}: {report.Submissions.Count} submission(s), {report.Runs.Count} ingest run(s).");
        for (var i = 0; i < report.Runs.Count; i++)
        {
            await output.WriteLineAsync($"run {i}: {Time(report.Runs[i].Start)} – {Time(report.Runs[i].End)} ({report.Runs[i].Evidence})");
        }

        foreach (var finding in report.Submissions.OrderBy(f => f.Low))
        {
            var state = finding.InFlight ? "IN FLIGHT " : "";
            await output.WriteLineAsync($"{state}{finding.SubmissionId}: arrived {Time(finding.Low)} – {Time(finding.High)} ({Examiner.Format(finding.Width)}); {finding.Basis}");
            foreach (var link in finding.Links)
            {
                await output.WriteLineAsync($"    linked by its source: {link}");
            }

            foreach (var size in finding.Sizes)
            {
                var padding = size.Padded ? "padded" : "NOT padded";
                await output.WriteLineAsync(
                    string.Create(CultureInfo.InvariantCulture, $"    item {size.ItemId}: {size.StoredBytes} octets stored ({padding}): plaintext {size.Low}–{size.High} octets"));
            }
        }

        foreach (var order in report.Orders)
        {
            var run = order.Run is { } r ? $"run {r}" : "in flight";
            await output.WriteLineAsync($"order by {order.Channel} ({run}): {string.Join(" < ", order.Order.Select(id => id[..8]))}");
        }

        foreach (var note in report.Notes)
        {
            await output.WriteLineAsync($"note: {note}");
        }

        foreach (var line in below)
        {
            await output.WriteLineAsync($"BELOW TARGET  {line}");
        }

        await output.WriteLineAsync(below.Count == 0
            ? "Every submission is placed no closer than its ingest window (or day), and every size no closer than Padmé's bucket."
            : $"{below.Count} finding(s) below target.");
    }

    private static string Time(DateTimeOffset? time) => time?.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture) ?? "?";
}

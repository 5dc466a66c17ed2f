using System.Diagnostics;
using System.Globalization;

namespace SecureDrop.Net.Benchmarks.FrontEnd;

/// <summary>
/// Memory of each child process over a soak: resident size (RSS) and, from the child's <see cref="GcReport"/>, the
/// managed heap that survived its last full collection. Prints the samples and a verdict per process comparing the
/// end of the load with its first sample after the warm-up minute in which its GC had run (JIT, GC generation sizing,
/// connection pools and caches fill first and the runtime keeps what it committed, so the start says little).
/// </summary>
internal sealed class MemoryLog
{
    /// <summary>Growth after warm-up that still counts as flat: 10 % plus 16 MiB of slack for GC timing.</summary>
    private const double FlatRatio = 0.10;
    private const double FlatSlackMiB = 16;
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(60);
    private readonly (string Name, Process Process, string GcFile)[] _processes;
    private readonly List<Snapshot> _samples = [];
    private readonly Lock _gate = new();

    public MemoryLog((string Name, Process Process, string GcFile)[] processes)
    {
        _processes = processes;
    }

    /// <summary>Takes a sample; <paramref name="elapsed"/> is the time into the load (null before and after it).</summary>
    public void Sample(string when, TimeSpan? elapsed = null)
    {
        var values = _processes.Select(p => p.Process.HasExited
            ? new Reading(double.NaN, double.NaN, double.NaN)
            : Read(p.Process, p.GcFile)).ToArray();
        lock (_gate)
        {
            _samples.Add(new Snapshot(when, elapsed, values));
        }
    }

    public void Print()
    {
        lock (_gate)
        {
            Console.WriteLine("| RSS MiB (GC-committed MiB / live MiB after the last gen2 GC; ? = none yet) | " + string.Join(" | ", _processes.Select(p => p.Name)) + " |");
            Console.WriteLine("|---|" + string.Concat(_processes.Select(_ => "---|")));
            foreach (var sample in _samples)
            {
                Console.WriteLine($"| {sample.When} | " + string.Join(" | ", sample.Values.Select(Format)) + " |");
            }

            Console.WriteLine("| peak RSS (VmHWM) | " + string.Join(" | ", _processes.Select(p => p.Process.HasExited ? "exited" : BenchInstance.PeakMemoryMiB(p.Process).ToString("0", CultureInfo.InvariantCulture))) + " |");
            Console.WriteLine();
            foreach (var line in Verdicts())
            {
                Console.WriteLine(line);
            }
        }
    }

    private List<string> Verdicts()
    {
        var end = _samples.FirstOrDefault(s => s.When == "end of load");
        var during = _samples.Where(s => s.Elapsed is not null).ToList();
        var lines = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture,
                $"memory verdict (end of load against each process's first sample after the {WarmUp.TotalSeconds:0} s warm-up minute in which its GC had run at least once; flat = RSS grew at most {FlatRatio:P0} + {FlatSlackMiB:0} MiB):"),
        };
        var allFlat = true;
        var judged = true;
        for (var i = 0; i < _processes.Length; i++)
        {
            // Until its first collection a process's RSS grows by the garbage its first gen0 budget allows (tens of
            // MiB on a large-cache CPU); that is the GC sizing itself, not retention, so the reference waits for it.
            var reference = during.FirstOrDefault(s => s.Elapsed >= WarmUp && s.Values[i].Committed > 0);
            if (reference is null || end is null || ReferenceEquals(reference, during[^1]))
            {
                judged = false;
                lines.Add($"- {_processes[i].Name}: not judged (no sample after the warm-up minute and a first GC, before the end; run longer)");
                continue;
            }

            var from = reference.Values[i];
            var to = end.Values[i];
            var growth = to.Rss - from.Rss;
            var flat = !double.IsNaN(growth) && growth <= from.Rss * FlatRatio + FlatSlackMiB;
            allFlat &= flat;
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"- {_processes[i].Name}: from the {reference.When} sample, RSS {from.Rss:0} → {to.Rss:0} MiB ({growth:+0;-0;0} MiB), GC-committed {from.Committed:0} → {to.Committed:0} MiB, live after gen2 {Live(from)} → {Live(to)} MiB: {(flat ? "flat" : "GROWING")}"));
        }

        lines.Add(!allFlat ? "memory verdict: FAIL (memory grew after warm-up)"
            : judged ? "memory verdict: PASS (flat)"
            : "memory verdict: NOT JUDGED (too short to see past the warm-up; a soak of 3 minutes or more is judged)");
        return lines;
    }

    private static Reading Read(Process process, string gcFile)
    {
        var report = GcReport.Read(gcFile);
        return new Reading(BenchInstance.CurrentMemoryMiB(process), report?.Committed ?? double.NaN, report?.LiveAfterGen2 ?? double.NaN);
    }

    private static string Live(Reading reading) => double.IsNaN(reading.Live) ? "?" : reading.Live.ToString("0", CultureInfo.InvariantCulture);

    private static string Format(Reading reading) =>
        double.IsNaN(reading.Rss) ? "exited" : string.Create(CultureInfo.InvariantCulture, $"{reading.Rss:0} ({reading.Committed:0} / {Live(reading)})");

    private sealed record Reading(double Rss, double Committed, double Live);

    private sealed record Snapshot(string When, TimeSpan? Elapsed, Reading[] Values);
}

using System.Globalization;

namespace SecureDrop.Net.Benchmarks.FrontEnd;

/// <summary>
/// The managed-heap side of a child's memory, for telling a leak from warm-up: RSS alone grows while the GC sizes
/// its generations and the JIT and caches fill, and stays up (the runtime keeps what it committed), whereas a leak
/// shows as live data surviving full collections. A child started with <see cref="Variable"/> writes, every 5 s, the
/// heap size after its last full (gen2) collection, after its last collection of any kind, what the GC has committed,
/// and the number of gen2 collections; the parent reads the latest line when it samples RSS.
/// </summary>
internal static class GcReport
{
    public const string Variable = "SDNET_BENCH_GC_REPORT";

    /// <summary>Starts the writer in a serving child when the parent asked for it.</summary>
    public static void StartIfRequested()
    {
        if (Environment.GetEnvironmentVariable(Variable) is not { Length: > 0 } file)
        {
            return;
        }

        var timer = new Timer(_ => Write(file), null, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        GC.KeepAlive(timer);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => timer.Dispose();
    }

    /// <summary>The latest report of a child: live MiB after the last gen2, heap MiB after the last GC, committed MiB, gen2 count, MiB allocated since start.</summary>
    public static (double LiveAfterGen2, double Heap, double Committed, int Gen2Count, double Allocated)? Read(string file)
    {
        try
        {
            var parts = File.ReadAllText(file).Trim().Split(' ');
            return parts.Length == 5
                ? (double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture),
                    double.Parse(parts[2], CultureInfo.InvariantCulture), int.Parse(parts[3], CultureInfo.InvariantCulture),
                    double.Parse(parts[4], CultureInfo.InvariantCulture))
                : null;
        }
        catch (Exception exception) when (exception is IOException or FormatException)
        {
            return null;
        }
    }

    private static void Write(string file)
    {
        var any = GC.GetGCMemoryInfo(GCKind.Any);
        var blocking = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        var background = GC.GetGCMemoryInfo(GCKind.Background);
        var gen2 = blocking.Index >= background.Index ? blocking : background;
        var live = gen2.Index == 0 ? double.NaN : gen2.HeapSizeBytes / 1048576.0;
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{live:0.0} {any.HeapSizeBytes / 1048576.0:0.0} {any.TotalCommittedBytes / 1048576.0:0.0} {GC.CollectionCount(2)} {GC.GetTotalAllocatedBytes() / 1048576.0:0.0}");
        var temporary = file + ".tmp";
        File.WriteAllText(temporary, line);
        File.Move(temporary, file, overwrite: true);
    }
}

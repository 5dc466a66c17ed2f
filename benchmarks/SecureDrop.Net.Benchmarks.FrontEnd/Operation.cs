using System.Diagnostics;
using System.Globalization;

namespace SecureDrop.Net.Benchmarks.FrontEnd;

/// <summary>Latencies and errors of one kind of request, recorded from many clients at once.</summary>
internal sealed class Operation
{
    private readonly List<double> _milliseconds = [];
    private readonly Lock _gate = new();
    private long _errors;

    public long Succeeded { get; private set; }

    /// <summary>Times one request; an exception or a false result counts as an error (its latency is kept too).</summary>
    public async Task TimeAsync(Func<Task<bool>> request)
    {
        var started = Stopwatch.GetTimestamp();
        bool ok;
        try
        {
            ok = await request();
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or IOException)
        {
            ok = false;
        }

        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        lock (_gate)
        {
            _milliseconds.Add(elapsed);
            if (ok)
            {
                Succeeded++;
            }
            else
            {
                _errors++;
            }
        }
    }

    public string Row(string name, double seconds)
    {
        lock (_gate)
        {
            var sorted = _milliseconds.Order().ToList();
            return string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {sorted.Count} | {sorted.Count / seconds:0.0} | {Percentile(sorted, 0.50):0} | {Percentile(sorted, 0.99):0} | {(sorted.Count == 0 ? 0 : sorted[^1]):0} | {_errors} |");
        }
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(p * sorted.Count) - 1)];
}

/// <summary>What the numbers were measured on: cores, CPU model, memory, load average.</summary>
internal static class Machine
{
    public static string Describe()
    {
        var model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        var memory = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        var load = File.ReadAllText("/proc/loadavg").Split(' ')[..3];
        return string.Create(CultureInfo.InvariantCulture,
            $"{Environment.ProcessorCount} cores, {model}, {long.Parse(memory, CultureInfo.InvariantCulture) / 1024 / 1024} GiB RAM, load average {string.Join(' ', load)}, {TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC");
    }
}

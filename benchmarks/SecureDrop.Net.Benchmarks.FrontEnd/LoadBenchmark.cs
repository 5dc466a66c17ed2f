using System.Diagnostics;
using System.Net;
using Microsoft.Data.Sqlite;

namespace SecureDrop.Net.Benchmarks.FrontEnd;

/// <summary>
/// Text-only submissions from several sources at once for a bounded time on the embedded defaults (SQLite,
/// Hangfire on SQLite), with the worker running; then closes the ingest window and waits until every acknowledged
/// submission is in the vault.
/// </summary>
internal static class LoadBenchmark
{
    private const int Sources = 16;
    private const int MaxSubmissions = 30_000;

    public static async Task RunAsync(int seconds)
    {
        await using var instance = await BenchInstance.CreateAsync();
        var (frontEnd, address) = await instance.StartFrontEndAsync();
        instance.StartWorker();
        var sources = Enumerable.Range(0, Sources).Select(_ => new BenchSource(address)).ToList();
        foreach (var batch in sources.Chunk(2))
        {
            await Task.WhenAll(batch.Select(s => s.StartAsync()));
        }

        var latencies = new List<double>[Sources];
        var errors = 0;
        var sent = 0;
        var deadline = TimeSpan.FromSeconds(seconds);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(sources.Select(async (source, index) =>
        {
            var mine = latencies[index] = [];
            while (clock.Elapsed < deadline && Interlocked.Increment(ref sent) <= MaxSubmissions)
            {
                var started = Stopwatch.GetTimestamp();
                var status = await source.SubmitAsync($"Load test message {index}-{mine.Count}: the quick brown fox.");
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (status != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }));
        var elapsed = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToList();
        var accepted = all.Count - errors;

        var ingest = Stopwatch.StartNew();
        // Tips reach the vault when their ingest window closes (invariant 9): close it now, as "Trigger now" does.
        await Testing.IngestWindow.CloseNowAsync(instance.Data.Root, null, TimeSpan.FromMinutes(5));
        long ready = 0;
        while (ingest.Elapsed < TimeSpan.FromMinutes(5) && (ready = await ReadyAsync(instance)) < accepted)
        {
            await Task.Delay(500);
        }

        Console.WriteLine($"run:                {elapsed:0.0} s, {Sources} sources posting in parallel, {all.Count} submissions");
        Console.WriteLine($"throughput:         {all.Count / elapsed:0.0} submissions/s (target >= 150/s)");
        Console.WriteLine($"latency:            p50 {Percentile(all, 0.50):0.0} ms, p99 {Percentile(all, 0.99):0.0} ms, max {all[^1]:0.0} ms (target p99 < 300 ms)");
        Console.WriteLine($"errors:             {errors}");
        Console.WriteLine($"in the vault:       {ready} of {accepted} accepted, {ingest.Elapsed.TotalSeconds:0.0} s after the run ended");
        Console.WriteLine($"front end peak:     {BenchInstance.PeakMemoryMiB(frontEnd):0} MiB resident");
        sources.ForEach(s => s.Dispose());
    }

    private static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(p * sorted.Count) - 1)];

    private static async Task<long> ReadyAsync(BenchInstance instance)
    {
        await using var connection = new SqliteConnection($"Data Source={instance.Data.MetadataDatabase};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM submissions WHERE state = 'ready'";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

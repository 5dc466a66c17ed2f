using System.Diagnostics;
using System.Globalization;
using SecureDrop.Net.Reviewer;
using SecureDrop.Net.Testing;

/// <summary>
/// Issue 20: the console's peak resident memory while several journalists download a large item at once (target:
/// under 300 MiB for 8 downloads of 1 GiB). Same run, same process, same count of downloads: a 1 MiB item (the
/// floor) and a 40 MiB item (the size that took the console past 1 GiB before downloads streamed). The peak is the
/// kernel's high-water mark (VmHWM), reset through /proc/self/clear_refs before each case, and the process holds the
/// console and its clients (which count bytes and keep nothing). Each client reads its whole download.
/// </summary>
internal static class DownloadBenchmark
{
    private const int MiB = 1024 * 1024;

    public static async Task RunAsync(int journalists, int sizeMiB, string? resultsFile)
    {
        var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        using var key = SecureDrop.Net.Crypto.NewsroomSecretKey.Generate("Benchmark newsroom", TimeProvider.System.GetUtcNow());
        using var instance = await TestInstance.CreateAsync(Store.Sqlite, key);
        var sizes = new[] { 1, 40, sizeMiB };
        var items = new List<(int SizeMiB, string ItemId)>();
        var seeding = Stopwatch.StartNew();
        foreach (var size in sizes)
        {
            var (_, itemId) = await Seed.LargeFileAsync(instance, $"benchmark-{size}.bin", (long)size * MiB, stream => WritePatternAsync(stream, size));
            items.Add((size, itemId));
        }

        Console.WriteLine($"Encrypted items of {string.Join(", ", sizes)} MiB in {seeding.Elapsed.TotalSeconds:F1} s");
        await using var console = await RunningApp.StartAsync(url => ReviewerApp.Build(instance.Data, url, instance.Settings));
        using var journalist = new JournalistClient(console.Address);
        using (var login = await journalist.LoginAsync(instance.Secrets.AdminUsername, instance.Secrets.AdminPassphrase))
        {
            if (login.RequestMessage?.RequestUri?.AbsolutePath != "/")
            {
                throw new InvalidOperationException("Sign-in failed.");
            }
        }

        // Warm-up: one download of the small item, so code and pools loaded once are in every case's baseline.
        await DownloadAsync(journalist, items[0].ItemId, MiB);
        var lines = new List<string>();
        foreach (var (size, itemId) in items)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            var before = Status("VmRSS:");
            File.WriteAllText("/proc/self/clear_refs", "5");
            var threadsPeak = 0L;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    threadsPeak = Math.Max(threadsPeak, Status("Threads:"));
                    await Task.Delay(100, CancellationToken.None);
                }
            });
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, journalists).Select(_ => DownloadAsync(journalist, itemId, (long)size * MiB)));
            var seconds = clock.Elapsed.TotalSeconds;
            var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            await sampling.CancelAsync();
            await sampler;
            var peak = Status("VmHWM:");
            var line = $"| {journalists} × {size} MiB | {before / 1024.0:F0} | {peak / 1024.0:F0} | {(peak - before) / 1024.0:F0} | {threadsPeak} | {seconds:F1} | {journalists * size / seconds:F0} | {cpuSeconds:F1} |";
            Console.WriteLine(line);
            lines.Add(line);
        }

        var loadAfter = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        var report = string.Join('\n', new[]
        {
            $"Run {TimeProvider.System.GetUtcNow().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC, downloads: {journalists} decrypted downloads at once of one item "
                + $"(1 MiB and 40 MiB as same-run references, then {sizeMiB} MiB), {Environment.ProcessorCount} cores, load average {load} before and {loadAfter} after. "
                + "RSS in MiB of the process holding the console and its clients; peak = VmHWM reset before each case.",
            "",
            "| downloads at once | RSS before | peak RSS | peak - before | peak threads | seconds | MiB/s (all) | CPU s |",
            "|---|---|---|---|---|---|---|---|",
        }.Concat(lines));
        Console.WriteLine(report);
        if (resultsFile is not null)
        {
            await File.AppendAllTextAsync(resultsFile, report + "\n\n");
        }
    }

    /// <summary>Reads a whole decrypted download, counting bytes and keeping none; throws unless all arrived.</summary>
    private static async Task DownloadAsync(JournalistClient journalist, string itemId, long expected)
    {
        using var response = await journalist.Http.GetAsync(new Uri($"/items/{itemId}/download", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64 * 1024];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            total += read;
        }

        if (total != expected)
        {
            throw new InvalidOperationException($"Download of {itemId}: {total} bytes, expected {expected}.");
        }
    }

    /// <summary>Writes <paramref name="sizeMiB"/> MiB of a pattern that differs from one MiB to the next.</summary>
    private static async Task WritePatternAsync(Stream stream, int sizeMiB)
    {
        var block = new byte[MiB];
        for (var m = 0; m < sizeMiB; m++)
        {
            Array.Fill(block, (byte)m);
            BitConverter.TryWriteBytes(block, m);
            await stream.WriteAsync(block);
        }
    }

    /// <summary>A field of /proc/self/status, in its own unit (kB for memory).</summary>
    private static long Status(string field)
    {
        var line = File.ReadLines("/proc/self/status").Single(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}

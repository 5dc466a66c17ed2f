using System.Globalization;
using System.Runtime;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace SecureDrop.Net.Reviewer.Tests;

/// <summary>Tests that measure the whole test process (threads, memory, file handles) run alone, after all the others.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WholeProcessMeasurements
{
    public const string Name = "whole-process measurements";
}

/// <summary>
/// Issue 20: a journalist's browser that goes away mid-download. Fifty downloads of large items and zips, each left
/// by its client after the first 64 KiB: the console stops decrypting each soon after (its own log event says how
/// much plaintext it decrypted), and its threads, managed and resident memory and open files come back to where
/// they were. Before, the whole item was decrypted whatever the client did, into memory for items up to 64 MiB.
/// </summary>
[Collection(WholeProcessMeasurements.Name)]
public sealed partial class AbandonedDownloadTests(ITestOutputHelper output) : ConsoleTestBase, IDisposable
{
    private const int ItemBytes = 48 << 20;
    private const int Downloads = 50;
    private const int AtOnce = 10;
    private readonly LogCapture _logs = new();

    public void Dispose() => _logs.Dispose();

    protected override void Services(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(_logs);

    [Fact]
    public async Task FiftyLargeDownloadsAndZips_LeftMidStream_StopDecrypting_AndLeaveNothingBehind()
    {
        var paths = await SeedTwoLargeFilesAsync();
        using var journalist = await SignedInAsync();
        // A warm-up wave, so that what the first downloads load once (code, buffers, pools) is in the baseline.
        await WaveAsync(journalist, paths, 0);
        await WaitForAsync(() => ClientLeft().Count == AtOnce, "the warm-up downloads to end");
        var baseline = ProcessResources.Measure();

        for (var wave = 1; wave <= Downloads / AtOnce; wave++)
        {
            await WaveAsync(journalist, paths, wave);
        }

        await WaitForAsync(() => ClientLeft().Count == Downloads + AtOnce, "every abandoned download to log that it stopped");
        var decrypted = ClientLeft().Skip(AtOnce).ToList();
        Assert.Equal(Downloads, decrypted.Count);
        // A zip holds both items (96 MiB); a single download 48 MiB. What the client never read was never decrypted:
        // the relay's buffers, Kestrel's and the sockets' (a few MiB on loopback) are all that run ahead of it.
        Assert.All(decrypted, bytes => Assert.InRange(bytes, 64 * 1024, ItemBytes / 2));
        Assert.DoesNotContain(_logs.Lines, line => line.Contains("[3111]", StringComparison.Ordinal));

        var after = await SettledAsync(baseline);
        output.WriteLine($"plaintext decrypted per abandoned download: {decrypted.Min()} to {decrypted.Max()} bytes (items of {ItemBytes})");
        output.WriteLine($"before: {baseline with { Targets = [] }}");
        output.WriteLine($"after:  {after with { Targets = [] }}");
        Assert.True(after.Threads <= baseline.Threads + 2, $"threads: {baseline.Threads} before, {after.Threads} after");
        Assert.True(after.OpenFiles <= baseline.OpenFiles + 2, $"open files: {baseline.OpenFiles} before, {after.OpenFiles} after: {string.Join(", ", after.Targets.GroupBy(t => t).Select(g => $"{g.Key} x{g.Count() - baseline.Targets.Count(b => b == g.Key)}").Where(x => !x.EndsWith("x0", StringComparison.Ordinal)))}");
        Assert.True(after.ManagedBytes <= baseline.ManagedBytes + (16 << 20), $"managed memory: {baseline.ManagedBytes} bytes before, {after.ManagedBytes} after");
        Assert.True(after.ResidentBytes <= baseline.ResidentBytes + (64 << 20), $"resident memory: {baseline.ResidentBytes} bytes before, {after.ResidentBytes} after");
    }

    /// <summary>Two 48 MiB files of one source; the paths of both downloads and of their zip.</summary>
    private async Task<string[]> SeedTwoLargeFilesAsync()
    {
        var content = new byte[ItemBytes];
        for (var i = 0; i < content.Length; i += 4096)
        {
            content[i] = (byte)(i >> 12);
        }

        var (sourceId, _) = await Seed.SubmissionAsync(Instance, null, ("first.bin", content), ("second.bin", content));
        var items = (await new Vault.Submissions.ItemStore(Instance.Database).ItemsOfSourceAsync(sourceId)).Select(i => i.Id).ToList();
        Assert.Equal(2, items.Count);
        return [$"/items/{items[0]}/download", $"/sources/{sourceId}/zip?item={items[0]}&item={items[1]}", $"/items/{items[1]}/download"];
    }

    /// <summary>Ten downloads at once, singles and zips mixed, each left after its first 64 KiB.</summary>
    private static Task WaveAsync(JournalistClient journalist, string[] paths, int wave) =>
        Task.WhenAll(Enumerable.Range(wave * AtOnce, AtOnce).Select(i => LeaveEarlyAsync(journalist, paths[i % paths.Length])));

    /// <summary>Reads the first 64 KiB of a download, then goes away as a closed browser tab does.</summary>
    private static async Task LeaveEarlyAsync(JournalistClient journalist, string path)
    {
        using var response = await journalist.Http.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();
        var first = new byte[64 * 1024];
        Assert.Equal(first.Length, await body.ReadAtLeastAsync(first, first.Length, throwOnEndOfStream: false));
    }

    /// <summary>The plaintext each abandoned download decrypted (rounded down to a power of two), from the console's own log event (3112), in order.</summary>
    private List<long> ClientLeft() =>
        [.. _logs.Lines.Where(line => line.Contains("[3112]", StringComparison.Ordinal))
            .Select(line => long.Parse(BytesValue().Match(line).Groups[1].Value, CultureInfo.InvariantCulture))];

    /// <summary>Measures until everything is back within its margin of the baseline, for at most a minute.</summary>
    private static async Task<ProcessResources> SettledAsync(ProcessResources baseline)
    {
        var deadline = TimeProvider.System.GetUtcNow().AddMinutes(1);
        while (true)
        {
            var now = ProcessResources.Measure();
            var settled = now.Threads <= baseline.Threads + 2 && now.OpenFiles <= baseline.OpenFiles + 2
                && now.ManagedBytes <= baseline.ManagedBytes + (16 << 20) && now.ResidentBytes <= baseline.ResidentBytes + (64 << 20);
            if (settled || TimeProvider.System.GetUtcNow() > deadline)
            {
                return now;
            }

            await Task.Delay(500);
        }
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = TimeProvider.System.GetUtcNow().AddMinutes(1);
        while (!condition())
        {
            Assert.True(TimeProvider.System.GetUtcNow() < deadline, $"Waited a minute for {what}.");
            await Task.Delay(100);
        }
    }

    [GeneratedRegex(@"Bytes=(\d+)")]
    private static partial Regex BytesValue();

    /// <summary>The whole process's threads, open file descriptors, managed heap (after a full collection) and resident set.</summary>
    private sealed record ProcessResources(int Threads, int OpenFiles, long ManagedBytes, long ResidentBytes, IReadOnlyList<string> Targets)
    {
        public static ProcessResources Measure()
        {
            // Idle pooled SQLite connections (each holds the database and its WAL open) number as many as requests ran
            // at once, not as many downloads as ran: closed before each measurement, so only what a download left counts.
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            var managed = GC.GetTotalMemory(forceFullCollection: true);
            var status = File.ReadAllLines("/proc/self/status");
            return new ProcessResources(
                (int)Field(status, "Threads:"),
                Directory.EnumerateFileSystemEntries("/proc/self/fd").Count(),
                managed,
                Field(status, "VmRSS:") * 1024,
                [.. Directory.EnumerateFileSystemEntries("/proc/self/fd").Select(fd => Regex.Replace(new FileInfo(fd).LinkTarget ?? "?", @"\[\d+\]", "[]")).Order(StringComparer.Ordinal)]);
        }

        private static long Field(string[] status, string name) =>
            long.Parse(status.Single(line => line.StartsWith(name, StringComparison.Ordinal))[name.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}

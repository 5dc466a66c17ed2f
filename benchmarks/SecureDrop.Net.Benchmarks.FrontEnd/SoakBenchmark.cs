using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Data.Sqlite;
using SecureDrop.Net.Testing;

namespace SecureDrop.Net.Benchmarks.FrontEnd;

/// <summary>
/// Load and soak on loopback, on the embedded defaults, with all three processes running as children: sources post
/// text messages and file uploads, journalists read the sources list and source pages in the console. Closed loop
/// (each client sends its next request when the last is answered), bounded by time and by a cap on requests.
/// Reports per operation throughput, p50/p99 latency and errors, and each process's resident memory (RSS) and live
/// managed heap at the start, every 30 s, and at the end, with a verdict on flatness after the warm-up minute (see
/// <see cref="MemoryLog"/>); then waits (bounded) until every acknowledged submission is in the vault.
/// </summary>
internal static class SoakBenchmark
{
    private const int TextSources = 6;
    private const int FileSources = 2;
    private const int Readers = 2;
    private const int SubmissionsPerSource = 50;
    private const int FileBytes = 256 * 1024;
    private const long MaxRequests = 2_000_000;

    public static async Task RunAsync(int seconds)
    {
        // Sources are replaced every 50 submissions (so a source page stays a page); lift the site-wide new-source limit
        // and let a sign-in wait longer for an Argon2id slot on a loaded machine.
        Environment.SetEnvironmentVariable("Submission__NewSourcesPerMinute", "100000");
        Environment.SetEnvironmentVariable("Submission__LoginsPerMinute", "100000");
        Environment.SetEnvironmentVariable("Submission__KeyDerivationWaitSeconds", "60");
        await using var instance = await BenchInstance.CreateAsync();
        var (frontEnd, address) = await instance.StartFrontEndAsync();
        var worker = instance.StartWorker();
        var (console, consoleAddress) = await instance.StartConsoleAsync();
        var upload = new FileInfo(Path.Combine(instance.Root, "upload.bin"));
        await File.WriteAllBytesAsync(upload.FullName, System.Security.Cryptography.RandomNumberGenerator.GetBytes(FileBytes));

        using var journalist = new JournalistClient(consoleAddress);
        using (var signedIn = await journalist.LoginAsync(instance.Secrets.AdminUsername, instance.Secrets.AdminPassphrase))
        {
            if (signedIn.RequestMessage?.RequestUri?.AbsolutePath != "/")
            {
                throw new InvalidOperationException("The benchmark journalist could not sign in to the console.");
            }
        }

        var processes = new (string Name, Process Process, string GcFile)[]
        {
            ("front end", frontEnd, instance.GcReportFile("serve-submission")),
            ("worker", worker, instance.GcReportFile("serve-worker")),
            ("console", console, instance.GcReportFile("serve-reviewer")),
        };
        var memory = new MemoryLog(processes);
        var stats = new ConcurrentDictionary<string, Operation>();
        long requests = 0;
        var machineBefore = Machine.Describe();
        memory.Sample("start");
        var clock = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(seconds);
        bool Running() => clock.Elapsed < deadline && Interlocked.Increment(ref requests) <= MaxRequests;

        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(30), sampling.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                if (!sampling.IsCancellationRequested)
                {
                    memory.Sample($"{clock.Elapsed.TotalSeconds:0} s", clock.Elapsed);
                }
            }
        });

        var clients = new List<Task>();
        clients.AddRange(Enumerable.Range(0, TextSources).Select(i => SourceLoopAsync(address, null, stats, "text submission", Running, i)));
        clients.AddRange(Enumerable.Range(0, FileSources).Select(i => SourceLoopAsync(address, upload, stats, "file upload (256 KiB + message)", Running, i)));
        clients.AddRange(Enumerable.Range(0, Readers).Select(i => ReaderLoopAsync(journalist, stats, Running, i)));
        await Task.WhenAll(clients);
        var elapsed = clock.Elapsed.TotalSeconds;
        await sampling.CancelAsync();
        await sampler;
        memory.Sample("end of load");

        var accepted = stats.Where(s => s.Key.StartsWith("text", StringComparison.Ordinal) || s.Key.StartsWith("file", StringComparison.Ordinal)).Sum(s => s.Value.Succeeded);
        var ingest = Stopwatch.StartNew();
        // Tips reach the vault when their ingest window closes (invariant 9): close it now, as "Trigger now" does.
        await Testing.IngestWindow.CloseNowAsync(instance.Data.Root, null, TimeSpan.FromMinutes(5));
        long ready = 0;
        while (ingest.Elapsed < TimeSpan.FromMinutes(5) && (ready = await ReadyAsync(instance)) < accepted)
        {
            await Task.Delay(500);
        }

        memory.Sample("after ingest");
        var machineAfter = Machine.Describe();

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"soak: {elapsed:0} s of load on loopback, {TextSources} text sources, {FileSources} uploading sources, {Readers} console readers (closed loop)"));
        Console.WriteLine($"machine before: {machineBefore}");
        Console.WriteLine($"machine after:  {machineAfter}");
        Console.WriteLine();
        Console.WriteLine("| operation | requests | per second | p50 ms | p99 ms | max ms | errors |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var (name, operation) in stats.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            Console.WriteLine(operation.Row(name, elapsed));
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"in the vault: {ready} of {accepted} acknowledged submissions, {ingest.Elapsed.TotalSeconds:0.0} s after the load ended"));
        Console.WriteLine();
        memory.Print();
    }

    private static async Task SourceLoopAsync(Uri address, FileInfo? file, ConcurrentDictionary<string, Operation> stats, string operationName, Func<bool> running, int index)
    {
        var operation = stats.GetOrAdd(operationName, _ => new Operation());
        var newSource = stats.GetOrAdd("new source (codename, Argon2id)", _ => new Operation());
        var sent = 0;
        BenchSource? source = null;
        try
        {
            while (running())
            {
                if (source is null || sent % SubmissionsPerSource == 0)
                {
                    source?.Dispose();
                    source = new BenchSource(address);
                    var started = false;
                    await newSource.TimeAsync(async () => started = await source.TryStartAsync());
                    if (!started)
                    {
                        // A busy answer (503): count it and try again with a new codename, as a source would.
                        source.Dispose();
                        source = null;
                        continue;
                    }
                }

                var message = $"Soak message {index}-{sent}: the minutes are in the second drawer.";
                await operation.TimeAsync(async () => await source.SubmitAsync(message, file) == HttpStatusCode.OK);
                sent++;
            }
        }
        finally
        {
            source?.Dispose();
        }
    }

    private static async Task ReaderLoopAsync(JournalistClient journalist, ConcurrentDictionary<string, Operation> stats, Func<bool> running, int index)
    {
        var list = stats.GetOrAdd("console: sources list", _ => new Operation());
        var page = stats.GetOrAdd("console: source page (decrypts its items)", _ => new Operation());
        var links = (IReadOnlyList<string>)[];
        var turn = index;
        while (running())
        {
            await list.TimeAsync(async () =>
            {
                using var response = await journalist.Http.GetAsync(new Uri("/", UriKind.Relative));
                links = HtmlForms.Links(await response.Content.ReadAsStringAsync(), "/sources/");
                return response.StatusCode == HttpStatusCode.OK;
            });
            if (links.Count == 0)
            {
                await Task.Delay(200);
                continue;
            }

            var link = links[turn++ % links.Count];
            await page.TimeAsync(async () =>
            {
                using var response = await journalist.Http.GetAsync(new Uri(link, UriKind.Relative));
                await response.Content.ReadAsByteArrayAsync();
                return response.StatusCode == HttpStatusCode.OK;
            });
        }
    }

    private static async Task<long> ReadyAsync(BenchInstance instance)
    {
        await using var connection = new SqliteConnection($"Data Source={instance.Data.MetadataDatabase};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM submissions WHERE state = 'ready'";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

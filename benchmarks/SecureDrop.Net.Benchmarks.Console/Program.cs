using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SecureDrop.Net.Reviewer;
using SecureDrop.Net.Testing;

// Console benchmark (issue 6): 10,000 sources and 100,000 submissions seeded straight into the store, then the
// sources list and sources' pages requested from the real console on loopback. Server time is measured by a
// middleware wrapped around the whole pipeline (request in -> response written). Bounded in count and time.
// Usage: Console [sqlite|postgresql] [sources] [submissions per source] [requests per case] [results file]
// Or, issue 20's decrypted downloads (see DownloadBenchmark): Console downloads [journalists] [MiB] [results file]
if (args.Length > 0 && args[0] == "downloads")
{
    await DownloadBenchmark.RunAsync(
        args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 8,
        args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1024,
        args.Length > 3 && args[3].Length > 0 ? args[3] : null);
    return;
}

var store = args.Length > 0 && args[0].Equals("postgresql", StringComparison.OrdinalIgnoreCase) ? Store.PostgreSql : Store.Sqlite;
var sourceCount = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000;
var perSource = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10;
var requests = Math.Clamp(args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 200, 10, 2_000);
var resultsFile = args.Length > 4 && args[4].Length > 0 ? args[4] : null;
const int Sampled = 20;

var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
using var key = SecureDrop.Net.Crypto.NewsroomSecretKey.Generate("Benchmark newsroom", TimeProvider.System.GetUtcNow());
using var instance = await TestInstance.CreateAsync(store, key);
var seeding = Stopwatch.StartNew();
var sampled = await StoreSeeder.SeedAsync(instance, sourceCount, perSource, Sampled);
Console.WriteLine($"Seeded {sourceCount:N0} sources and {sourceCount * perSource:N0} submissions ({store}) in {seeding.Elapsed.TotalSeconds:F1} s");

var timings = new ConcurrentDictionary<string, double>();
await using var console = await RunningApp.StartAsync(url => ReviewerApp.Build(instance.Data, url, instance.Settings, services =>
    services.AddSingleton<IStartupFilter>(new ServerTiming(timings))));
using var journalist = new JournalistClient(console.Address);
using (var login = await journalist.LoginAsync(instance.Secrets.AdminUsername, instance.Secrets.AdminPassphrase))
{
    if (login.RequestMessage?.RequestUri?.AbsolutePath != "/")
    {
        throw new InvalidOperationException("Sign-in failed.");
    }
}

var first = await journalist.Http.GetStringAsync(new Uri("/", UriKind.Relative));
var deep = "/";
for (var page = 0; page < 50; page++)
{
    var next = HtmlForms.Links(await journalist.Http.GetStringAsync(new Uri(deep, UriKind.Relative)), "/?after=");
    deep = next.Count > 0 ? next[0] : deep;
}

var cases = new (string Name, Func<int, string> Path)[]
{
    ("sources list, first page", _ => "/"),
    ("sources list, 51st page (keyset)", _ => deep),
    ("sources list, unread + label filter", _ => "/?unread=true&label=desk+3"),
    ("sources list, starred + status filter", _ => "/?starred=true&status=closed"),
    ($"a source's page ({perSource} submissions, {perSource} messages decrypted)", i => $"/sources/{sampled[i % sampled.Count]}"),
};

var lines = new List<string>();
foreach (var (name, path) in cases)
{
    for (var i = 0; i < 20; i++)
    {
        (await journalist.Http.GetAsync(new Uri(path(i), UriKind.Relative))).Dispose();
    }

    var server = new List<double>();
    var client = new List<double>();
    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    var gen2Before = GC.CollectionCount(2);
    var budget = Stopwatch.StartNew();
    for (var i = 0; i < requests && budget.Elapsed < TimeSpan.FromMinutes(2); i++)
    {
        var id = Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Get, path(i));
        request.Headers.Add("X-Bench-Id", id);
        var clock = Stopwatch.StartNew();
        using var response = await journalist.Http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        client.Add(clock.Elapsed.TotalMilliseconds);
        response.EnsureSuccessStatusCode();
        if (timings.TryRemove(id, out var ms))
        {
            server.Add(ms);
        }
    }

    var cpuPerRequest = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / client.Count;
    var gen2 = GC.CollectionCount(2) - gen2Before;
    server.Sort();
    client.Sort();
    var line = $"| {name} | {server.Count} | {P(server, 0.5):F1} | {P(server, 0.95):F1} | {server[^1]:F1} | {P(client, 0.5):F1} | {cpuPerRequest:F1} | {gen2} |";
    Console.WriteLine(line);
    lines.Add(line);
}

var phases = await PhaseProfile.RunAsync(instance, key, sampled[0], requests);
var loadAfter = File.ReadAllText("/proc/loadavg").Split(' ')[0];
var report = string.Join('\n', new[]
{
    $"Run {TimeProvider.System.GetUtcNow().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC, {store}, {sourceCount:N0} sources, {sourceCount * perSource:N0} submissions "
        + $"({sourceCount * perSource * 5 / 4:N0} items), {Environment.ProcessorCount} cores, load average {load} before and {loadAfter} after.",
    "",
    "| case | requests | server p50 ms | server p95 ms | server max ms | client p50 ms | CPU ms per request | gen2 GCs |",
    "|---|---|---|---|---|---|---|---|",
}.Concat(lines).Concat(PhaseProfile.Heading).Concat(phases));
Console.WriteLine(report);
if (resultsFile is not null)
{
    await File.AppendAllTextAsync(resultsFile, report + "\n\n");
}

static double P(List<double> sorted, double q) => sorted[Math.Min(sorted.Count - 1, (int)(q * sorted.Count))];

/// <summary>Times each benchmark request from entering the pipeline to the response being written.</summary>
internal sealed class ServerTiming(ConcurrentDictionary<string, double> timings) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (HttpContext context, RequestDelegate inner) =>
        {
            var clock = Stopwatch.StartNew();
            await inner(context);
            if (context.Request.Headers.TryGetValue("X-Bench-Id", out var id))
            {
                timings[id.ToString()] = clock.Elapsed.TotalMilliseconds;
            }
        });
        next(app);
    };
}

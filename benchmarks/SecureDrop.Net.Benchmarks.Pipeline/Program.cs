using System.Diagnostics;
using System.Globalization;
using Dapper;
using SecureDrop.Net.Testing;

// Pipeline benchmark (issue 5): a burst of text submissions through the real front end and worker processes on
// loopback, and a steady rate with the time from acknowledgement to "ready" (what the console lists). Bounded in
// count and time; loopback only. Usage: Pipeline [sqlite|postgresql] [burst count] [steady seconds]
var store = args.Length > 0 && args[0].Equals("postgresql", StringComparison.OrdinalIgnoreCase) ? Store.PostgreSql : Store.Sqlite;
var burst = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000;
var steadySeconds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 30;
const int BurstClients = 8;
const int SteadyRate = 20;

using var instance = await TestInstance.CreateAsync(store);
var address = new Uri($"http://127.0.0.1:{Ports.FreeLoopbackPort()}");
await using var frontEnd = SdnetProcess.Start(["serve", "submission", "--data", instance.Data.Root, "--url", address.ToString().TrimEnd('/')], instance.Environment);
await using var worker = SdnetProcess.Start(["serve", "worker", "--data", instance.Data.Root], instance.Environment);
await WaitForAsync(async () =>
{
    using var http = new HttpClient();
    try
    {
        return (await http.GetAsync(address)).IsSuccessStatusCode;
    }
    catch (HttpRequestException)
    {
        return false;
    }
}, TimeSpan.FromSeconds(60));

// Burst: BurstClients sources submit as fast as they can, burst submissions in all.
var clients = new List<SourceClient>();
for (var i = 0; i < BurstClients; i++)
{
    var client = new SourceClient(address);
    await client.GenerateAndContinueAsync();
    clients.Add(client);
}

var burstClock = Stopwatch.StartNew();
var next = 0;
await Task.WhenAll(clients.Select(async client =>
{
    while (Interlocked.Increment(ref next) <= burst)
    {
        using var response = await client.SubmitAsync("burst tip");
        response.EnsureSuccessStatusCode();
    }
}));
var acknowledged = burstClock.Elapsed;
await WaitForAsync(async () => await ReadyAsync(instance) >= burst, TimeSpan.FromSeconds(300));
var ingested = burstClock.Elapsed;

// Steady: one more source submits SteadyRate per second; each acknowledgement is matched to its submission number.
var sourcesBefore = await SourceIdsAsync(instance);
var steady = new SourceClient(address);
await steady.GenerateAndContinueAsync();
var steadySource = (await SourceIdsAsync(instance)).Except(sourcesBefore).Single();
var steadyCount = SteadyRate * steadySeconds;
var acks = new double[steadyCount];
var ready = new double[steadyCount];
var clock = Stopwatch.StartNew();
var poller = Task.Run(async () =>
{
    var seen = 0;
    while (seen < steadyCount && clock.Elapsed < TimeSpan.FromSeconds(steadySeconds + 120))
    {
        await using var connection = await instance.Database.OpenAsync();
        var numbers = await connection.QueryAsync<int>(
            "SELECT number FROM submissions WHERE state = 'ready' AND source_id = @steadySource", new { steadySource });
        var now = clock.Elapsed.TotalMilliseconds;
        foreach (var number in numbers.Where(n => n <= steadyCount && ready[n - 1] == 0))
        {
            ready[number - 1] = now;
            seen++;
        }

        await Task.Delay(20);
    }
});
for (var i = 0; i < steadyCount; i++)
{
    var due = TimeSpan.FromMilliseconds(1000.0 / SteadyRate * i);
    if (clock.Elapsed < due)
    {
        await Task.Delay(due - clock.Elapsed);
    }

    using var response = await steady.SubmitAsync("steady tip");
    response.EnsureSuccessStatusCode();
    acks[i] = clock.Elapsed.TotalMilliseconds;
}

await poller;
var latencies = acks.Zip(ready).Where(p => p.Second > 0).Select(p => p.Second - p.First).Order().ToArray();

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"store={store} burst={burst} clients={BurstClients}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"burst: all acknowledged after {acknowledged.TotalSeconds:0.0} s ({burst / acknowledged.TotalSeconds:0} submissions/s), all in the vault after {ingested.TotalSeconds:0.0} s"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"steady {SteadyRate}/s for {steadySeconds} s: {latencies.Length}/{steadyCount} seen ready; acknowledgement -> ready p50 {Percentile(latencies, 0.5):0} ms, p99 {Percentile(latencies, 0.99):0} ms"));
foreach (var client in clients)
{
    client.Dispose();
}

steady.Dispose();
frontEnd.Terminate();
worker.Terminate();
return 0;

static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

static async Task<IReadOnlyList<string>> SourceIdsAsync(TestInstance instance)
{
    await using var connection = await instance.Database.OpenAsync();
    return (await connection.QueryAsync<string>("SELECT id FROM sources")).AsList();
}

static async Task<long> ReadyAsync(TestInstance instance)
{
    await using var connection = await instance.Database.OpenAsync();
    return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM submissions WHERE state = 'ready'");
}

static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout)
{
    var clock = Stopwatch.StartNew();
    while (!await condition())
    {
        if (clock.Elapsed > timeout)
        {
            throw new TimeoutException($"Gave up after {timeout.TotalSeconds} s.");
        }

        await Task.Delay(50);
    }
}

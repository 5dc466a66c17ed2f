using System.Diagnostics;
using System.Globalization;
using Dapper;
using SecureDrop.Net.Testing;

// Pipeline benchmark (issue 5): a burst of text submissions through the real front end and worker processes on
// loopback, and a steady rate with the time each submission waits for its answer; after each, the ingest window is
// closed now (as "Trigger now" does) and the time until all are in the vault is reported. Bounded in count and
// time; loopback only. Usage: Pipeline [sqlite|postgresql] [burst count] [steady seconds]
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
// Tips reach the vault when their ingest window closes (invariant 9): close it now, as "Trigger now" does.
var closeClock = Stopwatch.StartNew();
await IngestWindow.CloseNowAsync(instance.Database, TimeSpan.FromSeconds(300));
await WaitForAsync(async () => await ReadyAsync(instance) >= burst, TimeSpan.FromSeconds(300));
var closed = closeClock.Elapsed;

// Steady: one more source submits SteadyRate per second; each acknowledgement's time is kept. A tip is listed when its
// window closes (an hour by default), so the time that matters is the source's wait for "received", then the close.
var steady = new SourceClient(address);
await steady.GenerateAndContinueAsync();
var steadyCount = SteadyRate * steadySeconds;
var answers = new double[steadyCount];
var clock = Stopwatch.StartNew();
for (var i = 0; i < steadyCount; i++)
{
    var due = TimeSpan.FromMilliseconds(1000.0 / SteadyRate * i);
    if (clock.Elapsed < due)
    {
        await Task.Delay(due - clock.Elapsed);
    }

    var sent = clock.Elapsed.TotalMilliseconds;
    using var response = await steady.SubmitAsync("steady tip");
    response.EnsureSuccessStatusCode();
    answers[i] = clock.Elapsed.TotalMilliseconds - sent;
}

var steadyClose = Stopwatch.StartNew();
await IngestWindow.CloseNowAsync(instance.Database, TimeSpan.FromSeconds(300));
await WaitForAsync(async () => await ReadyAsync(instance) >= burst + steadyCount, TimeSpan.FromSeconds(300));
var steadyClosed = steadyClose.Elapsed;
var latencies = answers.Order().ToArray();

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"store={store} burst={burst} clients={BurstClients}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"burst: all acknowledged after {acknowledged.TotalSeconds:0.0} s ({burst / acknowledged.TotalSeconds:0} submissions/s); closing the window took {closed.TotalSeconds:0.0} s, then all were in the vault"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"steady {SteadyRate}/s for {steadySeconds} s: answer p50 {Percentile(latencies, 0.5):0} ms, p99 {Percentile(latencies, 0.99):0} ms; closing the window with {steadyCount} took {steadyClosed.TotalSeconds:0.0} s"));
foreach (var client in clients)
{
    client.Dispose();
}

steady.Dispose();
frontEnd.Terminate();
worker.Terminate();
return 0;

static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

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

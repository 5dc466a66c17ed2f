using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace SecureDrop.Net.Benchmarks.FrontEnd;

/// <summary>
/// Admission under attack, on loopback, with emulated Tor circuits (<see cref="CircuitClient"/>). Three scenarios, each
/// bounded in connections and seconds:
/// <list type="bullet">
/// <item><c>uploads N KIBPS SECONDS</c>: N uploads at once, each paced at KIBPS KiB/s for SECONDS, each on a circuit of
/// its own; the front end's resident memory before and at its peak, per upload, and its threads.</item>
/// <item><c>trickle N SECONDS</c>: N connections from ONE circuit each trickling an upload at 2 KiB/s (reconnecting
/// when closed, at most once a second each), while 4 honest sources on other circuits submit in turn a 1 MiB file, a
/// text-only message and a follow-up; the honest success rate.</item>
/// <item><c>guess N SECONDS</c>: N concurrent wrong-codename sign-ins from ONE circuit, while honest sources sign in
/// with their codename, one a second, each over a circuit of its own (a returning source signs in once; one that
/// signed in again and again on one circuit would meet its own circuit's limit, 10 a minute); the honest sign-in
/// latencies (p50, p90) and outcomes.</item>
/// </list>
/// <c>--circuits none</c> sends no PROXY lines (a front end that reads none, such as main before issue 19: the "before"
/// figures); <c>--set Name=Value</c> passes <c>Submission__Name=Value</c> to the front end.
/// </summary>
internal static class CircuitBenchmark
{
    private const int MaxConnections = 2000;
    private const int MaxSeconds = 600;
    private const string Boundary = "SdnetBenchBoundary7f3a9c51d2e8";
    private static readonly byte[] Noise = RandomNumberGenerator.GetBytes(256 * 1024);

    public static async Task<int> RunAsync(string[] args)
    {
        var tor = !args.Contains("--circuits") || args[Array.IndexOf(args, "--circuits") + 1] == "tor";
        var environment = new Dictionary<string, string>();
        if (tor)
        {
            environment["Submission__ProxyProtocol"] = "tor";
        }

        for (var i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "--set" && args[i + 1].Split('=', 2) is [var name, var value])
            {
                environment["Submission__" + name] = value;
            }
        }

        var numbers = args.Skip(1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal))
            .Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray();
        int Arg(int index, int fallback, int max) => Math.Clamp(numbers.Length > index ? numbers[index] : fallback, 1, max);
        Console.WriteLine($"circuit lines: {(tor ? "tor (PROXY v1, one id per emulated circuit)" : "none (every connection looks alike)")}; front end settings: {(environment.Count == 0 ? "defaults" : string.Join(", ", environment.Select(e => $"{e.Key}={e.Value}")))}");
        Console.WriteLine($"load average before: {LoadAverage()}");
        await using var instance = await BenchInstance.CreateAsync();
        var (frontEnd, address) = await instance.StartFrontEndAsync(environment);
        switch (args[0])
        {
            case "uploads":
                await UploadsAsync(frontEnd, address, tor, Arg(0, 1000, MaxConnections), Arg(1, 64, 1024), Arg(2, 60, MaxSeconds));
                break;
            case "trickle":
                await TrickleAsync(address, tor, Arg(0, 1000, MaxConnections), Arg(1, 120, MaxSeconds));
                break;
            case "guess":
                await GuessAsync(address, tor, Arg(0, 80, MaxConnections), Arg(1, 60, MaxSeconds));
                break;
            default:
                Console.Error.WriteLine("usage: uploads [N KiB/s seconds] | trickle [N seconds] | guess [N seconds], then --circuits tor|none, --set Name=Value");
                return 2;
        }

        Console.WriteLine($"load average after: {LoadAverage()}");
        return 0;
    }

    private static async Task UploadsAsync(Process frontEnd, Uri address, bool tor, int count, int kibPerSecond, int seconds)
    {
        // Sessions cost two Argon2id derivations each: a few, shared (run with --set UploadsPerSession=N).
        var sessions = new List<Session>();
        for (var i = 0; i < Math.Min(10, count); i++)
        {
            sessions.Add(await new CircuitClient(address, tor, (uint)(100_000 + i)).StartSessionAsync());
        }

        await Task.Delay(TimeSpan.FromSeconds(3));
        var before = BenchInstance.CurrentMemoryMiB(frontEnd);
        var threadsBefore = Threads(frontEnd);
        BenchInstance.ResetPeakMemory(frontEnd);
        var bytes = (long)kibPerSecond * 1024 * seconds;
        var peakThreads = threadsBefore;
        using var done = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                peakThreads = Math.Max(peakThreads, Threads(frontEnd));
                await Task.Delay(500, CancellationToken.None);
            }
        });
        var clock = Stopwatch.StartNew();
        var statuses = await Task.WhenAll(Enumerable.Range(0, count).Select(i =>
            UploadAsync(new CircuitClient(address, tor, (uint)(1 + i)), sessions[i % sessions.Count], bytes, kibPerSecond * 1024, TimeSpan.FromSeconds(seconds * 3))));
        clock.Stop();
        await done.CancelAsync();
        await sampler;
        var peak = BenchInstance.PeakMemoryMiB(frontEnd);
        Console.WriteLine($"uploads: {count} at once, each {bytes / 1024.0 / 1024:0.##} MiB paced at {kibPerSecond} KiB/s ({seconds} s), on {count} circuits, {sessions.Count} sessions; all done in {clock.Elapsed.TotalSeconds:0.0} s");
        Console.WriteLine($"outcomes: {Outcomes(statuses)}");
        Console.WriteLine($"front end resident memory: {before:0} MiB before, peak {peak:0} MiB (VmHWM): {(peak - before) * 1024 / count:0} KiB per upload in flight; threads {threadsBefore} before, peak {peakThreads}");
    }

    private static async Task TrickleAsync(Uri address, bool tor, int connections, int seconds)
    {
        var attacker = new CircuitClient(address, tor, 66);
        var attackerSession = await attacker.StartSessionAsync();
        var honest = new List<Session>();
        for (var i = 0; i < 4; i++)
        {
            honest.Add(await new CircuitClient(address, tor, (uint)(200 + i)).StartSessionAsync());
        }

        var file = RandomNumberGenerator.GetBytes(1024 * 1024);
        var deadline = Stopwatch.StartNew();
        var flood = TimeSpan.FromSeconds(seconds + 5);
        var attempts = 0L;
        var reconnects = 0L;
        var floodTasks = Enumerable.Range(0, connections).Select(async _ =>
        {
            while (deadline.Elapsed < flood)
            {
                Interlocked.Increment(ref attempts);
                await UploadAsync(attacker, attackerSession, 2L * 1024 * 1024 * 1024, 2048, flood - deadline.Elapsed);
                Interlocked.Increment(ref reconnects);
                await Task.Delay(1000);
            }
        }).ToList();
        await Task.Delay(TimeSpan.FromSeconds(5));

        var results = new List<(string Kind, HttpStatusCode Status, double Milliseconds)>();
        var honestClock = Stopwatch.StartNew();
        await Task.WhenAll(honest.Select(async (session, index) =>
        {
            for (var round = 0; honestClock.Elapsed < TimeSpan.FromSeconds(seconds) && round < 1000; round++)
            {
                var kind = (round + index) % 3;
                var started = Stopwatch.GetTimestamp();
                var status = await SubmitAsync(session, kind == 0 ? "with a 1 MiB file" : kind == 1 ? "text only" : "a follow-up", kind == 0 ? file : null);
                lock (results)
                {
                    results.Add((kind == 0 ? "1 MiB file" : kind == 1 ? "text only" : "follow-up", status, Stopwatch.GetElapsedTime(started).TotalMilliseconds));
                }
            }
        }));
        await Task.WhenAll(floodTasks);
        var ok = results.Count(r => r.Status == HttpStatusCode.OK);
        Console.WriteLine($"trickle: {connections} connections from one circuit at 2 KiB/s each for {seconds + 5} s ({Interlocked.Read(ref attempts)} attempts, reconnecting at most once a second each)");
        Console.WriteLine($"honest sources (4, each on its own circuit) for {seconds} s: {ok} of {results.Count} submissions succeeded ({100.0 * ok / Math.Max(1, results.Count):0.#} %); by kind: "
            + string.Join("; ", results.GroupBy(r => r.Kind).Select(g => $"{g.Key} {g.Count(r => r.Status == HttpStatusCode.OK)}/{g.Count()} ok, p50 {Percentile(g.Select(r => r.Milliseconds), 0.5):0} ms")));
        Console.WriteLine($"honest outcomes: {Outcomes(results.Select(r => r.Status))}");
    }

    private static async Task GuessAsync(Uri address, bool tor, int concurrency, int seconds)
    {
        var honestCircuit = new CircuitClient(address, tor, 300);
        var codename = (await honestCircuit.StartSessionAsync()).Codename;
        var attacker = new CircuitClient(address, tor, 77);
        var guesses = new List<HttpStatusCode>();
        var stop = Stopwatch.StartNew();
        var flood = TimeSpan.FromSeconds(seconds + 5);
        var floodTasks = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            var (http, _) = attacker.Client();
            using (http)
            {
                for (var i = 0; stop.Elapsed < flood && i < 100_000; i++)
                {
                    HttpStatusCode status;
                    try
                    {
                        status = await SignInAsync(http, "abacus abacus abacus abacus abacus abacus abacus");
                    }
                    catch (Exception exception) when (exception is HttpRequestException or IOException or System.Net.Sockets.SocketException or OperationCanceledException)
                    {
                        // Closed or timed out: connections beyond the circuit's cap are closed as they open.
                        status = 0;
                    }

                    lock (guesses)
                    {
                        guesses.Add(status);
                    }
                }
            }
        }).ToList();
        await Task.Delay(TimeSpan.FromSeconds(5));

        var honest = new List<(HttpStatusCode Status, double Milliseconds)>();
        var clock = Stopwatch.StartNew();
        for (uint n = 0; clock.Elapsed < TimeSpan.FromSeconds(seconds) && n < 10_000; n++)
        {
            // One a second, each on a new circuit; a sign-in that takes longer delays the next.
            var next = TimeSpan.FromSeconds(n + 1);
            var (http, _) = new CircuitClient(address, tor, 100_000 + n).Client();
            using (http)
            {
                var started = Stopwatch.GetTimestamp();
                HttpStatusCode status;
                try
                {
                    status = await SignInAsync(http, codename);
                }
                catch (Exception exception) when (exception is HttpRequestException or IOException or System.Net.Sockets.SocketException or OperationCanceledException)
                {
                    status = 0;
                }

                honest.Add((status, Stopwatch.GetElapsedTime(started).TotalMilliseconds));
            }

            if (clock.Elapsed < next)
            {
                await Task.Delay(next - clock.Elapsed);
            }
        }

        await Task.WhenAll(floodTasks);
        var signedIn = honest.Where(h => h.Status == HttpStatusCode.Found).Select(h => h.Milliseconds).ToList();
        Console.WriteLine($"guessing: {concurrency} concurrent wrong-codename sign-ins from one circuit for {seconds + 5} s: {guesses.Count} sent; {Outcomes(guesses)}");
        Console.WriteLine($"honest sources, one sign-in a second for {seconds} s, each on a circuit of its own: {signedIn.Count} of {honest.Count} signed in; outcomes {Outcomes(honest.Select(h => h.Status == HttpStatusCode.Found ? HttpStatusCode.OK : h.Status))}");
        Console.WriteLine(signedIn.Count == 0 ? "honest sign-in latency: none succeeded"
            : $"honest sign-in latency (GET /login + POST, successes): p50 {Percentile(signedIn, 0.5):0} ms, p90 {Percentile(signedIn, 0.9):0} ms, max {signedIn.Max():0} ms");
    }

    /// <summary>GET /login then POST the codename; 302 (to /lookup) is a sign-in, 400 a wrong codename, 503 busy.</summary>
    private static async Task<HttpStatusCode> SignInAsync(HttpClient http, string codename)
    {
        var page = await http.GetStringAsync(new Uri("/login", UriKind.Relative));
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["codename"] = codename,
            ["__RequestVerificationToken"] = CircuitClient.Hidden(page, "__RequestVerificationToken"),
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/login", UriKind.Relative)) { Content = form };
        using var response = await http.SendAsync(request);
        var redirected = response.RequestMessage?.RequestUri?.AbsolutePath == "/lookup";
        return redirected ? HttpStatusCode.Found : response.StatusCode;
    }

    private static async Task<HttpStatusCode> SubmitAsync(Session session, string message, byte[]? file)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(session.SubmitToken), "__RequestVerificationToken");
        form.Add(new StringContent(message), "message");
        if (file is not null)
        {
            var part = new ByteArrayContent(file);
            part.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "files", "document.bin");
        }

        try
        {
            using var response = await session.Http.PostAsync(new Uri("/submit", UriKind.Relative), form);
            await response.Content.ReadAsByteArrayAsync();
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    /// <summary>
    /// A raw multipart upload of <paramref name="bytes"/> on its own connection, paced at <paramref name="bytesPerSecond"/>
    /// in quarter-second steps; its status, or 0 when the connection ended without one.
    /// </summary>
    private static async Task<HttpStatusCode> UploadAsync(CircuitClient circuit, Session session, long bytes, int bytesPerSecond, TimeSpan limit)
    {
        var head = Encoding.ASCII.GetBytes(
            $"--{Boundary}\r\nContent-Disposition: form-data; name=\"__RequestVerificationToken\"\r\n\r\n{session.SubmitToken}\r\n"
            + $"--{Boundary}\r\nContent-Disposition: form-data; name=\"message\"\r\n\r\n\r\n"
            + $"--{Boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"paced.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n");
        var tail = Encoding.ASCII.GetBytes($"\r\n--{Boundary}--\r\n");
        var request = Encoding.ASCII.GetBytes(
            $"POST /submit HTTP/1.1\r\nHost: {circuit.Address.Authority}\r\nCookie: {session.Cookies}\r\n"
            + $"Content-Type: multipart/form-data; boundary={Boundary}\r\nContent-Length: {head.Length + bytes + tail.Length}\r\nConnection: close\r\n\r\n");
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await using var stream = await circuit.ConnectAsync(timeout.Token);
            await stream.WriteAsync(request, timeout.Token);
            await stream.WriteAsync(head, timeout.Token);
            var step = Math.Max(1, bytesPerSecond / 4);
            var clock = Stopwatch.StartNew();
            long sent = 0;
            var reading = ReadStatusAsync(stream, timeout.Token);
            while (sent < bytes && !reading.IsCompleted)
            {
                var size = (int)Math.Min(step, bytes - sent);
                var offset = (int)(sent % (Noise.Length - size));
                await stream.WriteAsync(Noise.AsMemory(offset, size), timeout.Token);
                sent += size;
                var due = TimeSpan.FromSeconds((double)sent / bytesPerSecond);
                if (due > clock.Elapsed)
                {
                    await Task.WhenAny(Task.Delay(due - clock.Elapsed, timeout.Token), reading);
                }
            }

            if (!reading.IsCompleted)
            {
                await stream.WriteAsync(tail, timeout.Token);
            }

            return await reading;
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException)
        {
            return 0;
        }
    }

    private static async Task<HttpStatusCode> ReadStatusAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[512];
        var read = 0;
        try
        {
            while (read < 12)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
                if (n == 0)
                {
                    return 0;
                }

                read += n;
            }
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException)
        {
            return 0;
        }

        return (HttpStatusCode)int.Parse(Encoding.ASCII.GetString(buffer, 9, 3), CultureInfo.InvariantCulture);
    }

    private static string Outcomes(IEnumerable<HttpStatusCode> statuses) =>
        string.Join(", ", statuses.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{(g.Key == 0 ? "closed without an answer" : ((int)g.Key).ToString(CultureInfo.InvariantCulture))}: {g.Count()}"));

    private static double Percentile(IEnumerable<double> values, double fraction)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(fraction * sorted.Count) - 1)];
    }

    private static int Threads(Process process) =>
        int.Parse(File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith("Threads:", StringComparison.Ordinal)).Split('\t', ' ').Last(), CultureInfo.InvariantCulture);

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}

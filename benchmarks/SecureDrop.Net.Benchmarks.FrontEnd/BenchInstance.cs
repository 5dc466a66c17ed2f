using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Data.Layout;
using SecureDrop.Net.Crypto;
using SecureDrop.Net.Custody.Setup;

namespace SecureDrop.Net.Benchmarks.FrontEnd;

/// <summary>A throwaway instance in a temporary directory, and the child processes that serve it on loopback.</summary>
internal sealed class BenchInstance : IAsyncDisposable
{
    private readonly List<Process> _children = [];

    private BenchInstance(string root, InitialSecrets secrets, NewsroomPublicKey key)
    {
        Root = root;
        Secrets = secrets;
        Data = secrets.Data;
        PublicKey = key;
    }

    /// <summary>The first admin's name and passphrase, for benchmarks that sign in to the console.</summary>
    public InitialSecrets Secrets { get; }

    public string Root { get; }

    public DataDirectory Data { get; }

    public NewsroomPublicKey PublicKey { get; }

    public static async Task<BenchInstance> CreateAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), $"sdnet-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        // SDNET_BENCH_KEY=classic runs against a classic Cv25519 key, for a same-run A/B with the default post-quantum key.
        var algorithm = Environment.GetEnvironmentVariable("SDNET_BENCH_KEY") == "classic" ? NewsroomKeyAlgorithm.Curve25519 : NewsroomKeyAlgorithm.PostQuantum;
        using var key = NewsroomSecretKey.Generate("Benchmark newsroom", TimeProvider.System.GetUtcNow(), algorithm);
        var secrets = await InstanceInitializer.InitializeAsync(Path.Combine(root, "data"), key, TimeProvider.System);
        return new BenchInstance(root, secrets, key.PublicKey);
    }

    /// <summary>Starts the front end in a child process and waits until it answers.</summary>
    public Task<(Process Process, Uri Address)> StartFrontEndAsync() => StartServerAsync("serve-submission", "/");

    /// <summary>
    /// As <see cref="StartFrontEndAsync()"/>, with settings in its environment (Submission__ProxyProtocol=tor and the
    /// like); with circuit lines on, the readiness probe sends one too.
    /// </summary>
    public Task<(Process Process, Uri Address)> StartFrontEndAsync(IReadOnlyDictionary<string, string> environment) =>
        StartServerAsync("serve-submission", "/", environment);

    /// <summary>Starts the console in a child process and waits until its sign-in page answers.</summary>
    public Task<(Process Process, Uri Address)> StartConsoleAsync() => StartServerAsync("serve-reviewer", "/login");

    private async Task<(Process Process, Uri Address)> StartServerAsync(string role, string probePath, IReadOnlyDictionary<string, string>? environment = null)
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var address = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        var process = StartChild(environment, role, Data.Root, address.ToString());
        using var probe = environment?.GetValueOrDefault("Submission__ProxyProtocol") == "tor"
            ? new CircuitClient(address, tor: true, uint.MaxValue).Client().Http
            : new HttpClient { BaseAddress = address };
        for (var attempt = 0; attempt < 300; attempt++)
        {
            try
            {
                using var response = await probe.GetAsync(new Uri(probePath, UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return (process, address);
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException($"{role} did not start within 30 s.");
    }

    public Process StartWorker() => StartChild(null, "serve-worker", Data.Root);

    /// <summary>Where a child started for <paramref name="role"/> (serve-worker, ...) writes its <see cref="GcReport"/>.</summary>
    public string GcReportFile(string role) => Path.Combine(Root, $"gc-{role}.txt");

    /// <summary>The peak resident memory (VmHWM) of a child, in MiB.</summary>
    public static double PeakMemoryMiB(Process process)
    {
        var line = File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    public static double CurrentMemoryMiB(Process process)
    {
        var line = File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    /// <summary>
    /// A child's resident memory as /proc/PID/status splits it, in MiB: anonymous (the GC heap, native allocations,
    /// stacks), shared memory (here the runtime's double-mapped JIT code heap) and file-backed (the runtime's,
    /// framework's and app's .dll and .so pages, clean, shared with every process mapping the same files).
    /// </summary>
    public static (double Anonymous, double Shared, double FileBacked) ResidentMiB(Process process)
    {
        double anonymous = 0, shared = 0, file = 0;
        foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
        {
            var value = line.StartsWith("Rss", StringComparison.Ordinal)
                ? long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0
                : 0;
            if (line.StartsWith("RssAnon:", StringComparison.Ordinal))
            {
                anonymous = value;
            }
            else if (line.StartsWith("RssShmem:", StringComparison.Ordinal))
            {
                shared = value;
            }
            else if (line.StartsWith("RssFile:", StringComparison.Ordinal))
            {
                file = value;
            }
        }

        return (anonymous, shared, file);
    }

    /// <summary>Resets a child's VmHWM to its current resident size (Linux: "5" to /proc/PID/clear_refs).</summary>
    public static void ResetPeakMemory(Process process) => File.WriteAllText($"/proc/{process.Id}/clear_refs", "5");

    public async ValueTask DisposeAsync()
    {
        foreach (var child in _children)
        {
            if (!child.HasExited)
            {
                child.Kill(entireProcessTree: true);
                await child.WaitForExitAsync();
            }

            child.Dispose();
        }

        Directory.Delete(Root, recursive: true);
    }

    private Process StartChild(IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        start.Environment[GcReport.Variable] = GcReportFile(arguments[0]);
        // As sdnet run and the systemd units start the services (malloc arenas, GC young-generation budget; the front
        // end also with less recompilation and without ICU).
        SecureDrop.Net.Core.Setup.ServiceEnvironment.ApplyTo(start, ServiceRoleNames.Parse(arguments[0]["serve-".Length..]));
        start.ArgumentList.Add(typeof(BenchInstance).Assembly.Location);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start a child process.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine($"  [child] {e.Data}"); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _children.Add(process);
        return process;
    }
}

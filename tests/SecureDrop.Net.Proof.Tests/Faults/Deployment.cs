namespace SecureDrop.Net.Proof.Tests.Faults;

/// <summary>
/// An instance served by the three real processes (`sdnet serve submission|reviewer|worker`), each of which can be
/// killed and started again on the same address. Every process's output is kept, also after it died, and can be
/// written to files as a seizure would find a journal.
/// </summary>
internal sealed class Deployment : IAsyncDisposable
{
    private readonly Dictionary<string, SdnetProcess> _running = [];
    private readonly List<(string Role, SdnetProcess Process)> _all = [];

    public Deployment(TestInstance instance, IReadOnlyDictionary<string, string>? extraEnvironment = null)
    {
        Instance = instance;
        Temp = Directory.CreateDirectory(Path.Combine(instance.Root, "tmp")).FullName;
        var environment = new Dictionary<string, string>(instance.Environment) { ["TMPDIR"] = Temp, ["ASPNETCORE_TEMP"] = Temp };
        foreach (var (name, value) in extraEnvironment ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }

        Environment = environment;
    }

    public TestInstance Instance { get; }

    /// <summary>The TMPDIR of every process of this deployment.</summary>
    public string Temp { get; }

    public IReadOnlyDictionary<string, string> Environment { get; }

    public Uri FrontEnd { get; } = new($"http://127.0.0.1:{Ports.FreeLoopbackPort()}");

    public Uri Console { get; } = new($"http://127.0.0.1:{Ports.FreeLoopbackPort()}");

    public static async Task<Deployment> StartAsync(TestInstance instance, IReadOnlyDictionary<string, string>? extraEnvironment = null)
    {
        var deployment = new Deployment(instance, extraEnvironment);
        await deployment.StartAsync("submission");
        await deployment.StartAsync("reviewer");
        await deployment.StartAsync("worker");
        return deployment;
    }

    public SdnetProcess this[string role] => _running[role];

    /// <summary>Starts a role and, for the web roles, waits until it answers.</summary>
    public async Task StartAsync(string role)
    {
        Uri? address = role switch
        {
            "submission" => FrontEnd,
            "reviewer" => Console,
            _ => null,
        };
        string[] url = address is null ? [] : ["--url", address.ToString().TrimEnd('/')];
        var process = SdnetProcess.Start(["serve", role, "--data", Instance.Data.Root, .. url], Environment);
        _running[role] = process;
        _all.Add((role, process));
        if (address is not null)
        {
            await process.WaitUntilServingAsync(new Uri(address, role == "reviewer" ? "/login" : "/"), TimeSpan.FromSeconds(90));
        }
    }

    /// <summary>SIGKILL, as a crash or the OOM killer would, then a fresh start (systemd's Restart=always).</summary>
    public async Task KillAndRestartAsync(string role, TimeSpan downtime)
    {
        _running[role].Kill();
        await Task.Delay(downtime);
        await StartAsync(role);
    }

    /// <summary>Stops every process with SIGTERM, as systemd would at shutdown.</summary>
    public async Task StopAsync()
    {
        foreach (var process in _running.Values.Where(p => !p.HasExited))
        {
            process.Terminate();
        }

        foreach (var process in _running.Values)
        {
            await process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        }
    }

    /// <summary>Everything every process of this deployment printed, one file per process, as a journal would keep it.</summary>
    public string WriteLogs(string directory)
    {
        Directory.CreateDirectory(directory);
        for (var i = 0; i < _all.Count; i++)
        {
            File.WriteAllText(Path.Combine(directory, $"{i:00}-{_all[i].Role}.log"), _all[i].Process.Output);
        }

        return directory;
    }

    public string AllOutput => string.Join("\n", _all.Select(p => $"--- {p.Role}:\n{p.Process.Output}"));

    public async Task<long> CountAsync(string sql, object? parameters = null)
    {
        await using var connection = await Instance.Database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(sql, parameters);
    }

    /// <summary>Closes the current ingest window now and waits until everything received so far is ingested.</summary>
    public Task CloseIngestWindowAsync() => IngestWindow.CloseNowAsync(Instance);

    /// <summary>Polls a condition; fails with every process's output if the generous limit passes.</summary>
    public Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        Poll.UntilAsync(condition, timeout, what, details: () => AllOutput);

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, process) in _all)
        {
            await process.DisposeAsync();
        }
    }
}

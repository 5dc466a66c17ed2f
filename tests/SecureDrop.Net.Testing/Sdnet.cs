using System.Diagnostics;

namespace SecureDrop.Net.Testing;

/// <summary>Runs the real sdnet executable (from the test's output folder) as a child process.</summary>
public sealed class SdnetProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();

    private SdnetProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the process printed on stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts sdnet; with <paramref name="runAs"/>, under those ids (through setpriv; the test must run as root).</summary>
    public static SdnetProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? standardInput = null, RunAs? runAs = null)
    {
        var start = new ProcessStartInfo(runAs is null ? "dotnet" : "setpriv")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in runAs?.SetprivArguments.Append("dotnet") ?? Enumerable.Empty<string>())
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add(Path.Combine(runAs is null ? AppContext.BaseDirectory : RunAs.ApplicationDirectory, "sdnet.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return Launch(start, standardInput);
    }

    /// <summary>
    /// The repository's own ./sdnet script (it builds, then runs sdnet) as an operator types it, by bash in
    /// <paramref name="workingDirectory"/>.
    /// </summary>
    public static SdnetProcess StartScript(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(Path.Combine(Repository.Root, "sdnet"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Launch(start, standardInput: null);
    }

    /// <summary>Runs sdnet to completion and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? standardInput = null, RunAs? runAs = null)
    {
        await using var process = Start(arguments, environment, standardInput, runAs);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process._process.WaitForExitAsync(timeout.Token);
        process._process.WaitForExit();
        return (process.ExitCode, process.Output);
    }

    /// <summary>Waits until the output so far satisfies <paramref name="condition"/>; fails if sdnet exits first or the bound passes.</summary>
    public Task WaitForOutputAsync(Func<string, bool> condition, TimeSpan timeout) =>
        Poll.UntilAsync(() => Task.FromResult(condition(Output)), timeout, "the expected output", this);

    /// <summary>Waits until <paramref name="address"/> answers 200 (the bound is generous, not a speed check).</summary>
    public Task WaitUntilServingAsync(Uri address, TimeSpan? timeout = null) =>
        Poll.UntilAnswersAsync(address, timeout ?? TimeSpan.FromSeconds(60), this);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    private static SdnetProcess Launch(ProcessStartInfo start, string? standardInput)
    {
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        if (start.RedirectStandardInput)
        {
            if (standardInput is not null)
            {
                process.StandardInput.WriteLine(standardInput);
            }

            process.StandardInput.Close();
        }
        return new SdnetProcess(process);
    }

    /// <summary>SIGKILL, as a crash or the OOM killer would: no shutdown code runs.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>Sends SIGTERM, as systemd or an operator would.</summary>
    public void Terminate() => Signals.Terminate(_process.Id);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _output.AppendLine(line);
        }
    }
}

using System.Diagnostics;
using System.Text;

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

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start sdnet.");
        if (standardInput is not null)
        {
            process.StandardInput.WriteLine(standardInput);
        }

        process.StandardInput.Close();
        return new SdnetProcess(process);
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

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        _process.WaitForExit();
        return _process.ExitCode;
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

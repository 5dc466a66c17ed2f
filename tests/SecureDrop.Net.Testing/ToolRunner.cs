using System.Diagnostics;

namespace SecureDrop.Net.Testing;

/// <summary>The outcome of running an external tool: exit code, raw stdout, stderr text.</summary>
public sealed record ToolResult(string Tool, int ExitCode, byte[] Stdout, string Stderr)
{
    public string StdoutText => System.Text.Encoding.UTF8.GetString(Stdout);

    public ToolResult EnsureSuccess() => ExitCode == 0
        ? this
        : throw new InvalidOperationException($"{Tool} exited with {ExitCode}: {Stderr}");
}

/// <summary>Runs gpg, sqop and gosop as real processes, feeding stdin and collecting both outputs concurrently.</summary>
public static class ToolRunner
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static async Task<ToolResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        byte[]? stdin = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            using var stdout = new MemoryStream();
            Task copyOut = process.StandardOutput.BaseStream.CopyToAsync(stdout, timeout.Token);
            Task<string> readErr = process.StandardError.ReadToEndAsync(timeout.Token);
            if (stdin is not null)
            {
                await process.StandardInput.BaseStream.WriteAsync(stdin, timeout.Token);
            }

            process.StandardInput.Close();
            await copyOut;
            string stderr = await readErr;
            await process.WaitForExitAsync(timeout.Token);
            return new ToolResult(fileName, process.ExitCode, stdout.ToArray(), stderr);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} did not finish within {Timeout.TotalSeconds} s.");
        }
    }
}

using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using SecureDrop.Net.Core.Data.Layout;
using SecureDrop.Net.Core.Setup;

namespace SecureDrop.Net.Cli.Run;

internal sealed record ChildRole(string Name, IReadOnlyList<string> Arguments);

/// <summary>
/// Starts each role as a child process of this same executable and keeps them together: when asked to stop it
/// sends SIGTERM to each and waits; when one dies on its own, it stops the others and reports which one.
/// </summary>
internal sealed partial class Supervisor
{
    private static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(20);
    private const int SigTerm = 15;
    private readonly TextWriter _output;
    private readonly TextWriter _error;

    public Supervisor(TextWriter output, TextWriter error)
    {
        _output = output;
        _error = error;
    }

    public async Task<int> RunAsync(IReadOnlyList<ChildRole> roles, CancellationToken stop)
    {
        var children = new List<(ChildRole Role, Process Process)>();
        try
        {
            foreach (var role in roles)
            {
                children.Add((role, Process.Start(StartInfo(role)) ?? throw new IOException($"Could not start the {role.Name} process.")));
            }

            await _output.WriteLineAsync($"sdnet: started {string.Join(", ", children.Select(c => $"{c.Role.Name} (pid {c.Process.Id})"))}. Press Ctrl-C to stop.");
            var exited = Task.WhenAny(children.Select(c => c.Process.WaitForExitAsync(CancellationToken.None)));
            await Task.WhenAny(exited, Task.Delay(Timeout.Infinite, stop)).ConfigureAwait(false);
            if (!stop.IsCancellationRequested)
            {
                var dead = children.First(c => c.Process.HasExited);
                await _error.WriteLineAsync($"sdnet: the {dead.Role.Name} process exited with code {dead.Process.ExitCode}; stopping the others.");
                await StopAllAsync(children);
                return Sdnet.Refused;
            }

            await StopAllAsync(children);
            await _output.WriteLineAsync("sdnet: stopped.");
            return Sdnet.Success;
        }
        finally
        {
            foreach (var (_, process) in children)
            {
                process.Dispose();
            }
        }
    }

    private static async Task StopAllAsync(List<(ChildRole Role, Process Process)> children)
    {
        foreach (var (_, process) in children.Where(c => !c.Process.HasExited))
        {
            _ = Kill(process.Id, SigTerm);
        }

        using var grace = new CancellationTokenSource(GracePeriod);
        foreach (var (_, process) in children)
        {
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static ProcessStartInfo StartInfo(ChildRole role)
    {
        var start = new ProcessStartInfo { UseShellExecute = false };
        var self = Environment.ProcessPath ?? throw new IOException("Cannot tell where the sdnet executable is.");
        start.FileName = self;
        // Under 'dotnet sdnet.dll' the process is the dotnet host: hand it the assembly again.
        if (Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }

        foreach (var argument in role.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        ServiceEnvironment.ApplyTo(start, ServiceRoleNames.Parse(role.Name));
        return start;
    }

    // .NET has no API to send a signal other than SIGKILL to another process; SIGTERM lets the child shut down cleanly.
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}

using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using SecureDrop.Net.Core.Data.Layout;
using SecureDrop.Net.Core.Setup;

namespace SecureDrop.Net.Cli.Run;

internal sealed record ChildRole(string Name, IReadOnlyList<string> Arguments);

/// <summary>
/// Starts each role as a child process of this same executable and keeps the service up: every line a child writes
/// is passed on with its role in front ("[worker] …"); a child that dies is started again after a back-off (1 s,
/// doubling to 30 s, back to 1 s once it has run a minute), while the others keep serving. It stops everything on
/// Ctrl-C or SIGTERM, or when a role fails again and again right at start (a port in use, a bad setting), which a
/// restart cannot mend: then it says which role and why.
/// </summary>
internal sealed partial class Supervisor
{
    /// <summary>A child that exits sooner than this after its start counts as failing at start.</summary>
    public static readonly TimeSpan StartWindow = TimeSpan.FromSeconds(15);

    /// <summary>Failures at start in a row after which a role is given up, and the service with it.</summary>
    public const int MaxFailuresAtStart = 3;

    private static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan FirstBackOff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestBackOff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan HealthyRun = TimeSpan.FromMinutes(1);
    private const int SigTerm = 15;
    private readonly TextWriter _output;
    private readonly TextWriter _error;
    private readonly TimeProvider _time;
    private readonly Lock _writing = new();

    public Supervisor(TextWriter output, TextWriter error, TimeProvider? time = null)
    {
        _output = output;
        _error = error;
        _time = time ?? TimeProvider.System;
    }

    public async Task<int> RunAsync(IReadOnlyList<ChildRole> roles, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(roles);
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(stop);
        Say(_output, $"sdnet: starting {string.Join(", ", roles.Select(r => r.Name))}; each line below starts with the role that wrote it. Press Ctrl-C to stop.");
        var supervised = roles.Select(role => SuperviseAsync(role, giveUp)).ToList();
        var reasons = await Task.WhenAll(supervised).ConfigureAwait(false);
        var reason = reasons.FirstOrDefault(r => r is not null);
        if (reason is not null)
        {
            Say(_error, $"sdnet: {reason} Stopped the whole service: fix that and start it again.");
            return Sdnet.Refused;
        }

        Say(_output, "sdnet: stopped.");
        return Sdnet.Success;
    }

    /// <summary>Keeps one role running until stopped; returns why it gave up, or null when asked to stop.</summary>
    private async Task<string?> SuperviseAsync(ChildRole role, CancellationTokenSource giveUp)
    {
        var stop = giveUp.Token;
        var backOff = FirstBackOff;
        int failuresAtStart = 0;
        while (!stop.IsCancellationRequested)
        {
            long started = _time.GetTimestamp();
            using var process = Process.Start(StartInfo(role)) ?? throw new IOException($"Could not start the {role.Name} process.");
            Say(_output, $"sdnet: {role.Name} started (pid {process.Id.ToString(CultureInfo.InvariantCulture)}).");
            var pumps = Task.WhenAll(PumpAsync(process.StandardOutput, _output, role.Name), PumpAsync(process.StandardError, _error, role.Name));
            try
            {
                await process.WaitForExitAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await StopAsync(process).ConfigureAwait(false);
                await pumps.ConfigureAwait(false);
                return null;
            }

            await pumps.ConfigureAwait(false);
            var ran = _time.GetElapsedTime(started);
            var how = Exit(process.ExitCode);
            if (ran < StartWindow)
            {
                failuresAtStart++;
                if (failuresAtStart >= MaxFailuresAtStart)
                {
                    // Tell the other roles to stop; the first role to give up names the reason.
                    await giveUp.CancelAsync().ConfigureAwait(false);
                    return $"the {role.Name} process failed at start {failuresAtStart} times in a row ({how} within {Seconds(StartWindow)} of starting each time; its last lines are above).";
                }
            }
            else
            {
                failuresAtStart = 0;
                if (ran >= HealthyRun)
                {
                    backOff = FirstBackOff;
                }
            }

            Say(_error, $"sdnet: the {role.Name} process {how} after {Seconds(ran)}; starting it again in {Seconds(backOff)}. The other roles keep running.");
            try
            {
                await Task.Delay(backOff, _time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return null;
            }

            backOff = backOff * 2 > LongestBackOff ? LongestBackOff : backOff * 2;
        }

        return null;
    }

    private async Task PumpAsync(StreamReader from, TextWriter to, string role)
    {
        while (await from.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            Say(to, $"[{role}] {line}");
        }
    }

    private void Say(TextWriter writer, string line)
    {
        lock (_writing)
        {
            writer.WriteLine(line);
            writer.Flush();
        }
    }

    private static async Task StopAsync(Process process)
    {
        if (process.HasExited)
        {
            return;
        }

        _ = Kill(process.Id, SigTerm);
        using var grace = new CancellationTokenSource(GracePeriod);
        try
        {
            await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }
    }

    private static string Exit(int code) =>
        code > 128 && code < 160 ? $"was killed by signal {(code - 128).ToString(CultureInfo.InvariantCulture)}" : $"exited with code {code.ToString(CultureInfo.InvariantCulture)}";

    private static string Seconds(TimeSpan span) =>
        span < TimeSpan.FromMinutes(2) ? $"{Math.Round(span.TotalSeconds).ToString(CultureInfo.InvariantCulture)} s" : $"{Math.Round(span.TotalMinutes).ToString(CultureInfo.InvariantCulture)} min";

    private static ProcessStartInfo StartInfo(ChildRole role)
    {
        var start = new ProcessStartInfo { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
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
        // One line per log entry, so each carries its role prefix (the console logger's default spreads an entry
        // over two lines). An operator's own logging settings win.
        SetUnlessSet(start, "Logging__Console__FormatterName", "simple");
        SetUnlessSet(start, "Logging__Console__FormatterOptions__SingleLine", "true");
        return start;
    }

    private static void SetUnlessSet(ProcessStartInfo start, string name, string value)
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name)))
        {
            start.Environment[name] = value;
        }
    }

    // .NET has no API to send a signal other than SIGKILL to another process; SIGTERM lets the child shut down cleanly.
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}

using System.Diagnostics;
using System.Globalization;

namespace SecureDrop.Net.EndToEnd.Tests.Tor;

/// <summary>
/// One Debian tor process of the private network, with its torrc and notice log in its own directory. It is told to
/// exit when this test process does (<c>__OwningControllerProcess</c>), so no tor outlives a crashed test run.
/// </summary>
public sealed class TorProcess : IAsyncDisposable
{
    private Process? _process;

    private TorProcess(string name, string directory)
    {
        Name = name;
        Directory = directory;
    }

    public string Name { get; }

    /// <summary>Its DataDirectory, which also holds torrc and notice.log.</summary>
    public string Directory { get; }

    public string Torrc => Path.Combine(Directory, "torrc");

    public string NoticeLog => Path.Combine(Directory, "notice.log");

    /// <summary>tor writes its pid here (PidFile), as Debian's does to /run/tor/tor.pid.</summary>
    public string PidFile => Path.Combine(Directory, "tor.pid");

    public int Id => _process?.Id ?? throw new InvalidOperationException($"tor '{Name}' is not running.");

    public bool HasExited => _process is null || _process.HasExited;

    /// <summary>Writes the torrc (common lines first) and starts tor on it.</summary>
    public static TorProcess Start(string name, string directory, IEnumerable<string> lines)
    {
        System.IO.Directory.CreateDirectory(directory);
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var tor = new TorProcess(name, directory);
        File.WriteAllLines(tor.Torrc, [.. tor.CommonLines(), .. lines]);
        tor.Launch();
        return tor;
    }

    /// <summary>Starts tor again on the same torrc and data (a restart, as `systemctl restart tor` does).</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        Launch();
    }

    /// <summary>SIGHUP: tor re-reads its torrc, keys and onion services' authorized_clients.</summary>
    public void Reload()
    {
        using var kill = Process.Start("kill", ["-HUP", Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Waits until the notice log has a line containing <paramref name="text"/>; fails with the log's tail.</summary>
    public async Task WaitForLogAsync(string text, TimeSpan limit, int occurrence = 1)
    {
        var clock = Stopwatch.StartNew();
        while (Occurrences(text) < occurrence)
        {
            if (HasExited)
            {
                throw new InvalidOperationException($"tor '{Name}' exited while waiting for \"{text}\". Its log ends:\n{Tail()}");
            }

            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"tor '{Name}' did not log \"{text}\" within {limit.TotalSeconds:0} s. Its log ends:\n{Tail()}");
            }

            await Task.Delay(250);
        }
    }

    public int Occurrences(string text) =>
        File.Exists(NoticeLog) ? ReadShared(NoticeLog).Split('\n').Count(line => line.Contains(text, StringComparison.Ordinal)) : 0;

    /// <summary>The last lines of the notice log, for failure messages.</summary>
    public string Tail(int lines = 15) =>
        File.Exists(NoticeLog) ? string.Join('\n', ReadShared(NoticeLog).Split('\n').TakeLast(lines)) : "(no log yet)";

    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private IEnumerable<string> CommonLines() =>
    [
        // Chutney's "rapid bootstrap" settings (torproject/chutney, torrc_templates/common.i), which a network this
        // small needs: three descriptors suffice for a path, and every relay may be guard, HSDir and exit.
        "TestingTorNetwork 1",
        "PathsNeededToBuildCircuits 0.67",
        "TestingDirAuthVoteExit *",
        "TestingDirAuthVoteHSDir *",
        "TestingDirAuthVoteGuard *",
        "TestingMinExitFlagThreshold 0",
        "V3AuthNIntervalsValid 2",
        $"DataDirectory {Directory}",
        $"Nickname {Name}",
        "RunAsDaemon 0",
        "ShutdownWaitLength 0",
        $"Log notice file {NoticeLog}",
        $"PidFile {PidFile}",
        "SafeLogging 1",
        "LogTimeGranularity 1",
        $"__OwningControllerProcess {Environment.ProcessId}",
    ];

    private void Launch()
    {
        var start = new ProcessStartInfo(TorNetwork.TorPath) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-f");
        start.ArgumentList.Add(Torrc);
        _process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start tor '{Name}'.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

using System.Diagnostics;
using System.Globalization;

namespace SecureDrop.Net.Testing;

/// <summary>A uid, primary gid and supplementary groups a child process runs under (setpriv from util-linux, as root).</summary>
public sealed record RunAs(uint Uid, uint Gid, IReadOnlyList<uint> Groups)
{
    /// <summary>setpriv's arguments before the command: the ids, and no capabilities inherited.</summary>
    public IEnumerable<string> SetprivArguments =>
    [
        $"--reuid={Uid}",
        $"--regid={Gid}",
        "--groups=" + string.Join(',', Groups.Select(group => group.ToString(CultureInfo.InvariantCulture))),
        "--inh-caps=-all",
    ];

    private static readonly Lazy<string> Application = new(ReachableApplicationDirectory);

    /// <summary>
    /// Where the other uids can run sdnet from: the test's output folder when every directory above it is searchable
    /// by others, otherwise (a clone under /root) one copy of it per build in /tmp.
    /// </summary>
    public static string ApplicationDirectory => Application.Value;

    /// <summary>Runs a command under these ids; returns its exit code and stderr (e.g. cat's "Permission denied").</summary>
    public async Task<(int ExitCode, string Error)> RunAsync(params string[] command)
    {
        var start = new ProcessStartInfo("setpriv") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in SetprivArguments.Concat(command))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start setpriv.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await output;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, error);
    }

    private static string ReachableApplicationDirectory()
    {
        var directory = Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory);
        var reachable = true;
        for (var ancestor = directory; ancestor is not null; ancestor = Path.GetDirectoryName(ancestor))
        {
            reachable &= (File.GetUnixFileMode(ancestor) & UnixFileMode.OtherExecute) != 0;
        }

        if (reachable && (File.GetUnixFileMode(directory) & UnixFileMode.OtherRead) != 0)
        {
            return directory;
        }

        // One copy per build (named by the folder and sdnet.dll's time), reused by later runs of the same build.
        var stamp = directory + File.GetLastWriteTimeUtc(Path.Combine(directory, "sdnet.dll")).Ticks.ToString(CultureInfo.InvariantCulture);
        var copy = Path.Combine(Path.GetTempPath(), "sdnet-app-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(stamp)))[..16]);
        if (Directory.Exists(copy))
        {
            return copy;
        }

        var staging = copy + "." + Guid.NewGuid().ToString("N");
        const UnixFileMode readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        const UnixFileMode searchable = readable | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        foreach (var source in Directory.EnumerateDirectories(directory, "*", SearchOption.AllDirectories).Prepend(directory))
        {
            Directory.CreateDirectory(source.Replace(directory, staging, StringComparison.Ordinal), searchable);
        }

        foreach (var source in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            var target = source.Replace(directory, staging, StringComparison.Ordinal);
            File.Copy(source, target);
            File.SetUnixFileMode(target, readable);
        }

        try
        {
            Directory.Move(staging, copy);
        }
        catch (IOException) when (Directory.Exists(copy))
        {
            // Another test process of the same build made it first.
            Directory.Delete(staging, recursive: true);
        }

        return copy;
    }
}

/// <summary>
/// The three service users and two groups of the multi-user layout, as bare ids: the kernel needs no /etc/passwd
/// entry to run a process as a uid, so a test (run as root, as CI is) makes no users and leaves none behind.
/// </summary>
public sealed record ServiceUsers(uint FrontEnd, uint Worker, uint Console, uint SharedGroup, uint BackendGroup)
{
    /// <summary>Ids far above what Debian hands out to system or login users.</summary>
    public static ServiceUsers Throwaway { get; } = new(61001, 61002, 61003, 61010, 61011);

    public RunAs FrontEndProcess => new(FrontEnd, FrontEnd, [SharedGroup]);

    public RunAs WorkerProcess => new(Worker, Worker, [SharedGroup, BackendGroup]);

    public RunAs ConsoleProcess => new(Console, Console, [SharedGroup, BackendGroup]);

    /// <summary>The arguments of sdnet init for this layout.</summary>
    public string[] InitArguments =>
    [
        "--layout", "multi-user",
        "--users", string.Create(CultureInfo.InvariantCulture, $"{FrontEnd},{Worker},{Console}"),
        "--groups", string.Create(CultureInfo.InvariantCulture, $"{SharedGroup},{BackendGroup}"),
    ];
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using SecureDrop.Net.Testing;

namespace SecureDrop.Net.Cli.Tests.Run;

/// <summary>
/// README's first command as an operator types it, `./sdnet run --data ./sdnet-data --init`, through the script at the
/// repository root: what it prints (every service line carries its role, no warning on a plain start), and `sdnet run`
/// keeping the service up: a killed worker is started again while the front end goes on answering; a role that
/// fails right at start again and again stops the service with the reason.
/// </summary>
public sealed partial class FirstCommandTests
{
    [Fact]
    public async Task FirstCommand_PrefixesEveryServiceLineWithItsRole_WarnsOfNothing_AndBringsAKilledWorkerBack()
    {
        using var work = new TempDirectory("sdnet-first");
        var submission = new Uri($"http://127.0.0.1:{Ports.FreeLoopbackPort()}");
        var reviewer = new Uri($"http://127.0.0.1:{Ports.FreeLoopbackPort()}");
        await using var run = Script.Start(work.Path,
            "run", "--data", "./sdnet-data", "--init", "--newsroom-name", "The Daily Example",
            "--submission-url", submission.ToString().TrimEnd('/'), "--reviewer-url", reviewer.ToString().TrimEnd('/'));

        // A first build can take minutes on a loaded machine; the wait is bounded, not a speed check.
        await run.WaitForAsync(o => o.Contains("[worker] ", StringComparison.Ordinal) && ListeningCount(o) >= 2, TimeSpan.FromMinutes(8));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var landing = await http.GetStringAsync(submission);
        var firstWorker = WorkerPids(run.Output).Single();

        using (var worker = Process.GetProcessById(firstWorker))
        {
            worker.Kill(); // SIGKILL: a crash, no shutdown code runs
        }

        var answers = new List<HttpStatusCode>();
        var clock = Stopwatch.StartNew();
        while (WorkerPids(run.Output).Count < 2 && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            using var response = await http.GetAsync(submission);
            answers.Add(response.StatusCode);
            await Task.Delay(200);
        }

        await run.WaitForAsync(o => Regex.Count(o, @"\[worker\] .*Application started") >= 2, TimeSpan.FromSeconds(60));
        run.Terminate();
        var exitCode = await run.WaitForExitAsync(TimeSpan.FromSeconds(60));
        var output = run.Output;

        Assert.Contains("Send The Daily Example a tip, safely", WebUtility.HtmlDecode(landing), StringComparison.Ordinal);
        Assert.DoesNotContain("HTTP/2", output, StringComparison.Ordinal);
        Assert.DoesNotContain("warn:", output, StringComparison.Ordinal);
        foreach (var role in new[] { "worker", "submission", "reviewer" })
        {
            Assert.Contains($"[{role}] ", output, StringComparison.Ordinal);
        }

        // Once the services start, every line says who wrote it: sdnet itself or one role.
        var serviceLines = output[output.IndexOf("sdnet: starting", StringComparison.Ordinal)..].Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(serviceLines, line => Assert.Matches(@"^(sdnet: |\[(worker|submission|reviewer)\] )", line));
        Assert.Contains("the worker process was killed by signal 9", output, StringComparison.Ordinal);
        Assert.Equal(2, WorkerPids(output).Count);
        Assert.NotEmpty(answers);
        Assert.All(answers, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(0, exitCode);
        Assert.Contains("sdnet: stopped.", output, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(work.Path, "sdnet-data")));
    }

    [Fact]
    public async Task Run_RoleThatFailsAtStartAgainAndAgain_StopsTheServiceAndSaysWhy()
    {
        using var work = new TempDirectory("sdnet-failing");
        using var occupied = new TcpListener(IPAddress.Loopback, 0);
        occupied.Start();
        var port = ((IPEndPoint)occupied.LocalEndpoint).Port;
        var reviewer = $"http://127.0.0.1:{Ports.FreeLoopbackPort()}";

        await using var run = SdnetProcess.Start(["run", "--data", Path.Combine(work.Path, "data"), "--init", "--submission-url", $"http://127.0.0.1:{port}", "--reviewer-url", reviewer]);
        var exitCode = await run.WaitForExitAsync(TimeSpan.FromMinutes(4));

        Assert.Equal(1, exitCode);
        Assert.Contains("sdnet: the submission process failed at start 3 times in a row", run.Output, StringComparison.Ordinal);
        Assert.Contains("Stopped the whole service", run.Output, StringComparison.Ordinal);
        Assert.Contains("[submission] ", run.Output, StringComparison.Ordinal);
    }

    private static int ListeningCount(string output) => Regex.Count(output, @"\[(submission|reviewer)\] .*Now listening on");

    private static List<int> WorkerPids(string output) =>
        WorkerStarted().Matches(output).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();

    [GeneratedRegex(@"sdnet: worker started \(pid (\d+)\)")]
    private static partial Regex WorkerStarted();

    /// <summary>The repository root's ./sdnet script, run by bash in a working directory, with its output collected.</summary>
    private sealed class Script : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();
        private readonly Lock _gate = new();

        private Script(Process process)
        {
            _process = process;
            _process.OutputDataReceived += (_, e) => Append(e.Data);
            _process.ErrorDataReceived += (_, e) => Append(e.Data);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

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

        public static Script Start(string workingDirectory, params string[] arguments)
        {
            var start = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
            start.ArgumentList.Add(Path.Combine(RepositoryRoot(), "sdnet"));
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            return new Script(Process.Start(start)!);
        }

        public async Task WaitForAsync(Func<string, bool> condition, TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            while (!condition(Output))
            {
                Assert.False(_process.HasExited, $"sdnet exited early:\n{Output}");
                Assert.True(clock.Elapsed < timeout, $"Not seen within {timeout}:\n{Output}");
                await Task.Delay(250);
            }
        }

        public void Terminate() => Signals.Terminate(_process.Id);

        public async Task<int> WaitForExitAsync(TimeSpan timeout)
        {
            using var cancel = new CancellationTokenSource(timeout);
            await _process.WaitForExitAsync(cancel.Token);
            _process.WaitForExit();
            return _process.ExitCode;
        }

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
            if (line is not null)
            {
                lock (_gate)
                {
                    _output.Append(line).Append('\n');
                }
            }
        }

        private static string RepositoryRoot()
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "sdnet")) && File.Exists(Path.Combine(directory.FullName, "SecureDrop.Net.sln")))
                {
                    return directory.FullName;
                }
            }

            throw new InvalidOperationException("The repository root (with ./sdnet) was not found above the test's folder.");
        }
    }
}

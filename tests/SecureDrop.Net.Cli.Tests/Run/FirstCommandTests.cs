using System.Diagnostics;
using System.Net.Sockets;
using System.Text.RegularExpressions;

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
        await using var run = SdnetProcess.StartScript(work.Path,
            "run", "--data", "./sdnet-data", "--init", "--newsroom-name", "The Daily Example",
            "--submission-url", submission.ToString().TrimEnd('/'), "--reviewer-url", reviewer.ToString().TrimEnd('/'));

        // A first build can take minutes on a loaded machine; the wait is bounded, not a speed check.
        await run.WaitForOutputAsync(o => o.Contains("[worker] ", StringComparison.Ordinal) && ListeningCount(o) >= 2, TimeSpan.FromMinutes(8));
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

        await run.WaitForOutputAsync(o => Regex.Count(o, @"\[worker\] .*Application started") >= 2, TimeSpan.FromSeconds(60));
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

        AssertFails(exitCode, run.Output, "sdnet: the submission process failed at start 3 times in a row", "Stopped the whole service", "[submission] ");
    }

    private static int ListeningCount(string output) => Regex.Count(output, @"\[(submission|reviewer)\] .*Now listening on");

    private static List<int> WorkerPids(string output) =>
        WorkerStarted().Matches(output).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();

    [GeneratedRegex(@"sdnet: worker started \(pid (\d+)\)")]
    private static partial Regex WorkerStarted();
}

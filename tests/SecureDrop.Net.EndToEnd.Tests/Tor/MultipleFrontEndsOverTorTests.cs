using System.Diagnostics;

namespace SecureDrop.Net.EndToEnd.Tests.Tor;

/// <summary>
/// Several front ends behind one onion address, as ops/guides/several-front-ends.md sets them up: two front ends and
/// two workers on one PostgreSQL database and one data directory (intake/ and vault/ shared), HAProxy between tor and
/// the front ends with ops/haproxy/frontends.cfg (each circuit kept on one front end, a dead one routed around).
/// </summary>
[Collection(SharesTheTorNetwork.Name)]
public sealed class MultipleFrontEndsOverTorTests
{
    private const string HaproxyPath = "/usr/sbin/haproxy";
    private readonly TorNetwork _network;

    public MultipleFrontEndsOverTorTests(TorNetwork network)
    {
        _network = network;
    }

    [Fact]
    public async Task TwoFrontEndsAndTwoWorkersBehindOneOnion_BothServe_NothingIsLostOrDuplicated_AndOneKilledLeavesTheOtherServing()
    {
        Assert.True(File.Exists(HaproxyPath), $"This test needs Debian's haproxy ({HaproxyPath} is missing). Install it with ops/dev/install-test-dependencies.sh (apt-get install haproxy).");
        using var instance = await TestInstance.CreateAsync(Store.PostgreSql);
        var sockets = _network.NewDirectory("frontends");
        var (socketA, socketB, onionSocket) = (Path.Combine(sockets, "a.sock"), Path.Combine(sockets, "b.sock"), Path.Combine(sockets, "onion.sock"));
        await using var frontEndA = StartFrontEnd(instance, socketA, "Newsroom A");
        await using var frontEndB = StartFrontEnd(instance, socketB, "Newsroom B");
        await using var worker1 = SdnetProcess.Start(["serve", "worker", "--data", instance.Data.Root], instance.Environment);
        await using var worker2 = SdnetProcess.Start(["serve", "worker", "--data", instance.Data.Root], instance.Environment);
        // HAProxy starts once both listen, so its first checks find both up.
        await Serving.WaitUntilAsync(() => Task.FromResult(File.Exists(socketA)), TimeSpan.FromSeconds(60), frontEndA);
        await Serving.WaitUntilAsync(() => Task.FromResult(File.Exists(socketB)), TimeSpan.FromSeconds(60), frontEndB);
        await using var haproxy = await HaproxyProcess.StartAsync(sockets, onionSocket, socketA, socketB);
        var services = _network.NewDirectory("multi-services");
        var (code, torrc) = await SdnetProcess.RunAsync(["tor", "torrc", "--data", instance.Data.Root, "--tor-dir", services, "--frontend", "http://unix:" + onionSocket]);
        Assert.True(code == 0, torrc);
        await using var host = _network.StartOnionServiceHost("multi", torrc.Split('\n'));
        await Serving.WaitUntilAsync(() => Task.FromResult(File.Exists(Path.Combine(services, "sdnet-frontend", "hostname"))), TimeSpan.FromSeconds(30), frontEndA);
        var onion = new Uri($"http://{File.ReadAllText(Path.Combine(services, "sdnet-frontend", "hostname")).Trim()}/");
        await TorClients.UntilReachableAsync(async circuit => await LandingAsync(circuit, onion), TimeSpan.FromSeconds(90), "The two front ends' onion service");

        // Both serve: circuits spread over them (24 circuits all on one would happen once in ten million runs).
        var landings = new List<string>();
        for (var i = 0; i < 24; i++)
        {
            landings.Add(await TorClients.OnNewCircuitIfTorFailsAsync($"spread-{i}", circuit => LandingAsync(circuit, onion)));
        }

        // A source's whole visit stays on its circuit's front end, so its session holds from sign-up to sign-in.
        var submitted = 0;
        for (var i = 0; i < 6; i++)
        {
            await VisitAsync($"before-{i}", onion);
            submitted++;
        }

        // Only a DOWN logged after the kill counts: on a slow start HAProxy may have marked A down (and up again)
        // before A listened, and a new circuit sent to A now would meet a dead socket.
        var logBeforeKill = haproxy.LogLength;
        frontEndA.Kill();
        await haproxy.WaitForLogAsync("frontend-a is DOWN", TimeSpan.FromSeconds(30), since: logBeforeKill);
        var afterKill = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            afterKill.Add(await VisitAsync($"after-{i}", onion));
            submitted++;
        }

        // Tips reach the vault when their ingest window closes: closed now, as "Trigger now" does (one of the two
        // workers runs it; the run lock keeps the other out).
        await IngestWindow.CloseNowAsync(instance);
        await WaitUntilReadyAsync(instance, submitted, worker1);
        Assert.Contains("Newsroom A", landings);
        Assert.Contains("Newsroom B", landings);
        Assert.All(afterKill, served => Assert.Equal("Newsroom B", served));
        Assert.Equal(2 * submitted, await CountAsync(instance, "SELECT count(*) FROM items"));
        var vault = Directory.GetFiles(instance.Data.VaultDirectory).Select(Path.GetFileNameWithoutExtension).ToList();
        Assert.Equal(2 * submitted, vault.Count);
        Assert.Equal(vault.Count, vault.Distinct().Count());
        await using var connection = await instance.Database.OpenAsync();
        Assert.All(await connection.QueryAsync<string>("SELECT id FROM items"), id => Assert.Contains(id, vault));
        Assert.Empty(Directory.GetFiles(instance.Data.IntakeDirectory));
        Assert.False(worker2.HasExited, worker2.Output);
    }

    private async Task<string> LandingAsync(string circuit, Uri onion)
    {
        using var http = TorClients.Http(_network, circuit, onion);
        var page = await http.GetStringAsync(new Uri("/", UriKind.Relative));
        return page.Contains("Newsroom A", StringComparison.Ordinal) ? "Newsroom A" : page.Contains("Newsroom B", StringComparison.Ordinal) ? "Newsroom B" : page;
    }

    /// <summary>Codename, a message with a file, sign-out and sign-in with the codename, on one circuit; returns who served it.</summary>
    private async Task<string> VisitAsync(string circuit, Uri onion)
    {
        // The landing page on a new circuit when tor fails to build the first: nothing is stored before it answers.
        var (source, served) = await TorClients.OnNewCircuitIfTorFailsAsync(circuit, async name =>
        {
            var client = TorClients.Source(_network, name, onion);
            try
            {
                return (client, await client.Http.GetStringAsync(new Uri("/", UriKind.Relative)));
            }
            catch
            {
                client.Dispose();
                throw;
            }
        });
        using var visiting = source;
        var codename = await source.GenerateAndContinueAsync();
        using (var response = await source.SubmitAsync($"tip over {circuit}", ("evidence.bin", new byte[8192])))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await source.LogoutAsync();
        using var signedIn = await source.LoginAsync(codename);
        Assert.Equal("/lookup", signedIn.RequestMessage?.RequestUri?.AbsolutePath);
        return served.Contains("Newsroom A", StringComparison.Ordinal) ? "Newsroom A" : "Newsroom B";
    }

    private static SdnetProcess StartFrontEnd(TestInstance instance, string socket, string newsroom) =>
        SdnetProcess.Start(["serve", "submission", "--data", instance.Data.Root, "--url", "http://unix:" + socket],
            new Dictionary<string, string>(instance.Environment) { ["Submission__ProxyProtocol"] = "tor", ["Submission__NewsroomName"] = newsroom });

    private static async Task WaitUntilReadyAsync(TestInstance instance, int submissions, SdnetProcess worker) =>
        await Serving.WaitUntilAsync(async () => await CountAsync(instance, "SELECT count(*) FROM submissions WHERE state = 'ready'") == submissions, TimeSpan.FromSeconds(120), worker);

    private static async Task<long> CountAsync(TestInstance instance, string sql)
    {
        await using var connection = await instance.Database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(sql);
    }

    /// <summary>HAProxy in the foreground on ops/haproxy/frontends.cfg, its paths swapped for the test's sockets.</summary>
    private sealed class HaproxyProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly System.Text.StringBuilder _log = new();

        private HaproxyProcess(Process process)
        {
            _process = process;
            _process.ErrorDataReceived += (_, e) => Append(e.Data);
            _process.OutputDataReceived += (_, e) => Append(e.Data);
            _process.BeginErrorReadLine();
            _process.BeginOutputReadLine();
        }

        public static async Task<HaproxyProcess> StartAsync(string directory, string onionSocket, string socketA, string socketB)
        {
            var config = (await File.ReadAllTextAsync(Path.Combine(Repository.Ops, "haproxy", "frontends.cfg")))
                .Replace("log /dev/log local0 warning", "log stderr format raw local0 warning", StringComparison.Ordinal)
                .Replace(" mode 660 group haproxy", "", StringComparison.Ordinal)
                .Replace("/run/haproxy/sdnet-onion.sock", onionSocket, StringComparison.Ordinal)
                .Replace("/run/sdnet-frontend/frontend.sock", socketA, StringComparison.Ordinal)
                .Replace("/run/sdnet-frontend-b/frontend.sock", socketB, StringComparison.Ordinal);
            var file = Path.Combine(directory, "haproxy.cfg");
            await File.WriteAllTextAsync(file, config);
            var start = new ProcessStartInfo(HaproxyPath, ["-db", "-f", file]) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            return new HaproxyProcess(Process.Start(start) ?? throw new InvalidOperationException("Could not start haproxy."));
        }

        public int LogLength => Log.Length;

        /// <summary>Waits until <paramref name="text"/> appears in what HAProxy logged from character <paramref name="since"/> on.</summary>
        public async Task WaitForLogAsync(string text, TimeSpan limit, int since = 0)
        {
            var clock = Stopwatch.StartNew();
            while (!Log[since..].Contains(text, StringComparison.Ordinal))
            {
                Assert.False(_process.HasExited, "haproxy exited:\n" + Log);
                Assert.True(clock.Elapsed < limit, $"haproxy did not log \"{text}\" within {limit.TotalSeconds:0} s:\n{Log}");
                await Task.Delay(200);
            }
        }

        private string Log
        {
            get
            {
                lock (_log)
                {
                    return _log.ToString();
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }

        private void Append(string? line)
        {
            if (line is not null)
            {
                lock (_log)
                {
                    _log.AppendLine(line);
                }
            }
        }
    }
}

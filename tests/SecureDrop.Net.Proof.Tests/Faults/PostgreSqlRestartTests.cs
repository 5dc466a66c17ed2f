namespace SecureDrop.Net.Proof.Tests.Faults;

/// <summary>
/// The whole PostgreSQL server restarted under a running load (issue 8, "Faults: restart PostgreSQL"; invariants 5
/// and 7). The instance runs on a cluster of the test's own (<see cref="PrivatePostgres"/>), never on the shared one.
/// A fast restart (backends told to stop, a clean shutdown) and then an immediate stop (the server crashing, WAL
/// recovery at the next start) with a tip sent while it is down. None of the three processes is restarted: the
/// service must recover by itself.
/// </summary>
public sealed class PostgreSqlRestartTests
{
    [Fact]
    public async Task WholeClusterRestartedUnderLoad_SourceIsToldBusyNeverReceived_AndTheServiceRecoversByItself()
    {
        await using var cluster = await PrivatePostgres.StartAsync();
        using var key = NewsroomSecretKey.Generate("Fault newsroom", TimeProvider.System.GetUtcNow());
        using var instance = await TestInstance.CreateOnPostgreSqlAsync(await cluster.CreateDatabaseAsync("sdnet_restart"), key);
        await using var deployment = await Deployment.StartAsync(instance);
        using var load = await TipLoad.SignedInAsync(deployment.FrontEnd, FaultTests.Marker());

        // pg_ctl restart -m fast while tips are being sent.
        var running = load.RunAsync("fast restart", FaultTests.TipsPerFault, FaultTests.Pause);
        await FaultTests.WaitForAttemptsAsync(load, 5, running);
        await cluster.RestartAsync("fast");
        await running;

        // The server crashes (immediate stop) and stays down for a few seconds: a tip sent then cannot be received.
        var before = load.Attempts;
        running = load.RunAsync("crash and start", FaultTests.TipsPerFault, FaultTests.Pause);
        await FaultTests.WaitForAttemptsAsync(load, before + 5, running);
        await cluster.StopAsync("immediate");
        try
        {
            // Once the front end's copy of the instance settings (all it reads for a tip) has expired.
            await Task.Delay(Core.Settings.InstanceSettingsStore.CacheFor + TimeSpan.FromMilliseconds(500));
            var during = await load.SubmitAsync($"while the server is down {FaultTests.Marker()}");
            Assert.True(during is null or HttpStatusCode.ServiceUnavailable, $"While PostgreSQL was down the source was answered {during}.");
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
        finally
        {
            await cluster.StartAgainAsync();
        }

        await running;
        // The test's own pooled connections (from creating the instance) died with the server too.
        Npgsql.NpgsqlConnection.ClearAllPools();
        Assert.Empty(load.Unexpected);
        // The control: the load met the outage, so the rest of the test means something.
        Assert.NotEmpty(load.Busy.Concat(load.Unanswered));
        Assert.NotEmpty(load.Acknowledged);

        // Recovered by itself: no process was restarted, all still run, and a tip after the restart is received.
        foreach (var role in new[] { "submission", "worker", "reviewer" })
        {
            Assert.False(deployment[role].HasExited, $"The {role} process exited when PostgreSQL restarted:\n{deployment[role].Output}");
        }

        await deployment.WaitUntilAsync(
            async () => await load.SubmitAsync($"after the restart {FaultTests.Marker()}") == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30),
            "the front end to receive tips again");
        // The console too: a restarted server breaks each pooled connection once, so a journalist may first be told
        // "busy, try again" (503, a plain page); signing in works again without any restart.
        using var journalist = new JournalistClient(deployment.Console);
        var refusals = new List<string>();
        await deployment.WaitUntilAsync(async () =>
        {
            using var login = await journalist.LoginAsync("admin", instance.Secrets.AdminPassphrase);
            if (login.RequestMessage?.RequestUri?.AbsolutePath == "/")
            {
                return true;
            }

            refusals.Add($"{(int)login.StatusCode} {await login.Content.ReadAsStringAsync()}");
            return false;
        }, TimeSpan.FromSeconds(30), "a journalist to sign in again");
        Assert.All(refusals, r => Assert.StartsWith("503 ", r, StringComparison.Ordinal));

        await FaultTests.AssertEveryAcknowledgedTipStoredOnceAsync(deployment, key, load);
    }
}

namespace SecureDrop.Net.EndToEnd.Tests;

/// <summary>
/// Invariant 5 with real processes: a submission acknowledged to the source survives a crash of any process right
/// after the response, and a worker killed mid-batch leaves every item in the vault exactly once after a restart.
/// </summary>
public sealed class CrashTests
{
    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.PostgreSql)]
    public async Task WorkerKilledMidBatch_AfterRestartEverySubmissionIsInTheVaultExactlyOnce(Store store)
    {
        using var instance = await TestInstance.CreateAsync(store);
        var frontEnd = new Uri($"http://127.0.0.1:{Ports.FreeLoopbackPort()}");
        await using var submission = await StartFrontEndAsync(instance, frontEnd);
        using var source = new SourceClient(frontEnd);
        await source.GenerateAndContinueAsync();
        // Enough that the worker cannot take the whole batch between the first item reaching the vault and the kill:
        // with 40, a quick worker on PostgreSQL (its jobs run twenty at a time) once finished them all in that gap.
        const int Submissions = 120;
        for (var i = 0; i < Submissions; i++)
        {
            using var response = await source.SubmitAsync($"tip {i}", ($"file-{i}.bin", new byte[4096 + i]));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await using (var doomed = SdnetProcess.Start(["serve", "worker", "--data", instance.Data.Root], instance.Environment))
        {
            // The window closes now (as "Trigger now" does), and the run is killed as soon as the first item reaches
            // the vault: polling for a 'ready' row every 100 ms let a quick worker finish all 40 between two polls.
            await IngestWindow.TriggerCloseAsync(instance);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!Directory.EnumerateFiles(instance.Data.VaultDirectory).Any())
            {
                Assert.False(doomed.HasExited, "The worker exited early:\n" + doomed.Output);
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "No item reached the vault in 60 s:\n" + doomed.Output);
                await Task.Delay(1);
            }

            doomed.Kill();
        }

        var readyAtKill = await CountAsync(instance, "SELECT count(*) FROM submissions WHERE state = 'ready'");
        await using var worker = SdnetProcess.Start(["serve", "worker", "--data", instance.Data.Root], instance.Environment);
        // The run cut short belongs to the current window: the next close takes it (here closed now, again).
        await IngestWindow.CloseNowAsync(instance);
        await Serving.WaitUntilAsync(async () => await CountAsync(instance, "SELECT count(*) FROM submissions WHERE state = 'ready'") == Submissions, TimeSpan.FromSeconds(90), worker);

        Assert.True(readyAtKill < Submissions, "The worker finished before it could be killed mid-batch; the test proved nothing.");
        Assert.Equal(2 * Submissions, await CountAsync(instance, "SELECT count(*) FROM items"));
        var vault = Directory.GetFiles(instance.Data.VaultDirectory).Select(Path.GetFileNameWithoutExtension).ToHashSet();
        Assert.Equal(2 * Submissions, vault.Count);
        await using var connection = await instance.Database.OpenAsync();
        Assert.All(await connection.QueryAsync<string>("SELECT id FROM items"), id => Assert.Contains(id, vault));
        Assert.Empty(Directory.GetFiles(instance.Data.IntakeDirectory));
    }

    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.PostgreSql)]
    public async Task FrontEndKilledRightAfterAcknowledging_SubmissionIsKeptAndProcessed(Store store)
    {
        using var instance = await TestInstance.CreateAsync(store);
        var frontEnd = new Uri($"http://127.0.0.1:{Ports.FreeLoopbackPort()}");
        await using (var submission = await StartFrontEndAsync(instance, frontEnd))
        {
            using var source = new SourceClient(frontEnd);
            await source.GenerateAndContinueAsync();
            using var response = await source.SubmitAsync("acknowledged, then the front end died", ("evidence.bin", new byte[100_000]));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            submission.Kill();
        }

        await using var worker = SdnetProcess.Start(["serve", "worker", "--data", instance.Data.Root], instance.Environment);
        await IngestWindow.CloseNowAsync(instance);
        await Serving.WaitUntilAsync(async () => await CountAsync(instance, "SELECT count(*) FROM submissions WHERE state = 'ready'") == 1, TimeSpan.FromSeconds(60), worker);

        Assert.Equal(2, Directory.GetFiles(instance.Data.VaultDirectory).Length);
        Assert.Empty(Directory.GetFiles(instance.Data.IntakeDirectory));
    }

    private static async Task<SdnetProcess> StartFrontEndAsync(TestInstance instance, Uri address)
    {
        var process = SdnetProcess.Start(["serve", "submission", "--data", instance.Data.Root, "--url", address.ToString().TrimEnd('/')], instance.Environment);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Serving.WaitUntilAsync(async () =>
        {
            try
            {
                using var response = await http.GetAsync(address);
                return response.IsSuccessStatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Refused while starting, or one poll timed out on a busy machine: poll again within the budget.
                return false;
            }
        }, TimeSpan.FromSeconds(60), process);
        return process;
    }

    private static async Task<long> CountAsync(TestInstance instance, string sql)
    {
        await using var connection = await instance.Database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(sql);
    }
}

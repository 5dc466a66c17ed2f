using System.Diagnostics;
using System.Security.Cryptography;
using Npgsql;

namespace SecureDrop.Net.Proof.Tests.Faults;

/// <summary>
/// Faults under a running load, on the real processes (issue 8, "Faults"; invariants 5 and 7). For each fault a
/// bounded background load submits text tips and records what the source was told. After the fault: every
/// acknowledged tip is in the vault exactly once (decrypted with the newsroom key), no partial item remains (no
/// .part file, no row without its file, no file without its row), a refused tip left nothing, and the service
/// recovered by itself.
/// </summary>
public sealed class FaultTests
{
    internal const int TipsPerFault = 20;
    internal static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(100);

    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.PostgreSql)]
    public async Task EachProcessKilledInTurnUnderLoad_EveryAcknowledgedTipIsStoredExactlyOnce_AndTheServiceRecovers(Store store)
    {
        using var key = NewsroomSecretKey.Generate("Fault newsroom", TimeProvider.System.GetUtcNow());
        using var instance = await TestInstance.CreateAsync(store, key);
        await using var deployment = await Deployment.StartAsync(instance);
        using var load = await TipLoad.SignedInAsync(deployment.FrontEnd, Marker());

        foreach (var role in new[] { "submission", "worker", "reviewer" })
        {
            var before = load.Attempts;
            var running = load.RunAsync("kill " + role, TipsPerFault, Pause);
            await WaitForAttemptsAsync(load, before + 5, running);
            await deployment.KillAndRestartAsync(role, TimeSpan.FromSeconds(1));
            await running;
            if (role == "submission")
            {
                // The control: the load met the dead front end, so the rest of the test means something.
                Assert.NotEmpty(load.Unanswered.Concat(load.SessionEnded));
            }
        }

        Assert.Empty(load.Unexpected);
        Assert.NotEmpty(load.Acknowledged);
        // The console answers again after its restart, and a journalist can sign in.
        using var journalist = new JournalistClient(deployment.Console);
        using (var login = await journalist.LoginAsync("admin", instance.Secrets.AdminPassphrase))
        {
            Assert.Equal("/", login.RequestMessage?.RequestUri?.AbsolutePath);
        }

        await AssertEveryAcknowledgedTipStoredOnceAsync(deployment, key, load);
    }

    [Fact]
    public async Task PostgreSqlUnavailableUnderLoad_SourceIsToldBusyNeverReceived_AndEveryAcknowledgedTipIsStoredOnce()
    {
        using var key = NewsroomSecretKey.Generate("Fault newsroom", TimeProvider.System.GetUtcNow());
        using var instance = await TestInstance.CreateAsync(Store.PostgreSql, key);
        await using var deployment = await Deployment.StartAsync(instance);
        using var load = await TipLoad.SignedInAsync(deployment.FrontEnd, Marker());
        var database = new NpgsqlConnectionStringBuilder(instance.Environment["Database__PostgreSql"]).Database!;

        var running = load.RunAsync("database outage", TipsPerFault, Pause);
        await WaitForAttemptsAsync(load, 5, running);
        await SetConnectionsAllowedAsync(database, allowed: false);
        try
        {
            // Sure to meet the outage: one tip while the database refuses every connection, once the front end's copy
            // of the instance settings (the one thing it reads for a tip) has expired.
            await Task.Delay(Core.Settings.InstanceSettingsStore.CacheFor + TimeSpan.FromMilliseconds(500));
            var during = await load.SubmitAsync($"during the outage {Marker()}");
            Assert.True(during is null or System.Net.HttpStatusCode.ServiceUnavailable, $"During the outage the source was answered {during}.");
            await Task.Delay(TimeSpan.FromSeconds(3));
        }
        finally
        {
            await SetConnectionsAllowedAsync(database, allowed: true);
        }

        await running;
        Assert.Empty(load.Unexpected);
        Assert.NotEmpty(load.Busy.Concat(load.Unanswered));
        // Recovered by itself: a tip after the outage is received.
        Assert.Equal(System.Net.HttpStatusCode.OK, await load.SubmitAsync($"after the outage {Marker()}"));
        await AssertEveryAcknowledgedTipStoredOnceAsync(deployment, key, load);
    }

    [TmpfsFact]
    public async Task DiskFullUnderLoad_SourceIsToldBusyNeverReceived_AndAfterSpaceIsFreedTheServiceRecovers()
    {
        using var key = NewsroomSecretKey.Generate("Fault newsroom", TimeProvider.System.GetUtcNow());
        using var instance = await TestInstance.CreateAsync(Store.Sqlite, key);
        var data = instance.Data.Root;
        var copy = Path.Combine(instance.Root, "data-before-tmpfs");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await RunAsync("cp", "-a", data, copy);
        var (mounted, mountError) = await RunAsync("mount", "-t", "tmpfs", "-o", "size=24m,mode=0700", "tmpfs", data);
        Assert.True(mounted, "mount -t tmpfs worked for the probe but not now: " + mountError);
        try
        {
            Assert.True((await RunAsync("cp", "-a", copy + "/.", data)).Ok, "Could not copy the data directory onto the tmpfs.");
            await using var deployment = await Deployment.StartAsync(instance);
            using var load = await TipLoad.SignedInAsync(deployment.FrontEnd, Marker());
            await load.RunAsync("before the disk fills", 5, Pause);
            Assert.Equal(5, load.Acknowledged.Count);
            await deployment.CloseIngestWindowAsync();
            await deployment.WaitUntilAsync(async () => await deployment.CountAsync("SELECT count(*) FROM submissions WHERE state = 'ready'") == 5, TimeSpan.FromSeconds(90), "the first tips to be ingested");

            var filler = Path.Combine(data, "filler");
            Fill(filler);
            var full = load.Acknowledged.Count;
            await load.RunAsync("disk full", 10, Pause);
            Assert.Empty(load.Unexpected);
            Assert.Equal(full, load.Acknowledged.Count);
            Assert.Equal(10, load.Busy.Count);
            Assert.Empty(Directory.GetFiles(instance.Data.IntakeDirectory, "*", SearchOption.AllDirectories));

            File.Delete(filler);
            await load.RunAsync("after space is freed", 10, Pause);
            Assert.Empty(load.Unexpected);
            Assert.Equal(full + 10, load.Acknowledged.Count);
            await AssertEveryAcknowledgedTipStoredOnceAsync(deployment, key, load);
            await deployment.StopAsync();
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            await RunAsync("umount", "--lazy", data);
        }
    }

    internal static async Task AssertEveryAcknowledgedTipStoredOnceAsync(Deployment deployment, NewsroomSecretKey key, TipLoad load)
    {
        var instance = deployment.Instance;
        await deployment.CloseIngestWindowAsync();
        // Caught up: every recorded submission ingested. A process killed mid-upload, or between renaming its intake
        // file and committing the row, leaves ciphertext that no row claims and no source was told was received; the
        // reconcile job erases such files after 30 minutes, so they may still be here, but never as an item.
        await deployment.WaitUntilAsync(
            async () => await deployment.CountAsync("SELECT count(*) FROM submissions WHERE state <> 'ready'") == 0
                && await deployment.CountAsync("SELECT count(*) FROM items i JOIN submissions s ON s.id = i.submission_id WHERE s.state <> 'ready'") == 0,
            TimeSpan.FromSeconds(120),
            "the worker to catch up");
        var unclaimedIntake = Directory.GetFiles(instance.Data.IntakeDirectory).Select(f => Path.GetFileName(f).Split('.')[0]).ToList();

        await using var connection = await instance.Database.OpenAsync();
        var rows = (await connection.QueryAsync<string>("SELECT id FROM items")).ToHashSet();
        var vault = Directory.GetFiles(instance.Data.VaultDirectory);
        Assert.All(vault, f => Assert.EndsWith(".gpg", f, StringComparison.Ordinal));
        Assert.Empty(Directory.GetFiles(instance.Data.VaultDirectory, "*.part", SearchOption.AllDirectories));
        Assert.All(unclaimedIntake, id => Assert.DoesNotContain(id, rows));
        var files = vault.Select(Path.GetFileNameWithoutExtension).ToHashSet();
        Assert.Equal(rows.Order(), files.Order());
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM submissions s WHERE NOT EXISTS (SELECT 1 FROM items i WHERE i.submission_id = s.id)"));

        var plaintexts = new List<string>();
        foreach (var file in vault)
        {
            using var ciphertext = File.OpenRead(file);
            using var plaintext = new MemoryStream();
            MessageDecryptor.Decrypt(ciphertext, key, plaintext);
            plaintexts.Add(Encoding.UTF8.GetString(plaintext.ToArray()));
        }

        foreach (var tip in load.Acknowledged)
        {
            Assert.True(plaintexts.Count(p => p == tip) == 1, $"The acknowledged tip \"{tip}\" is stored {plaintexts.Count(p => p == tip)} times.");
        }

        foreach (var tip in load.Busy.Concat(load.SessionEnded))
        {
            Assert.DoesNotContain(tip, plaintexts);
        }
    }

    internal static async Task WaitForAttemptsAsync(TipLoad load, int attempts, Task running)
    {
        var clock = Stopwatch.StartNew();
        while (load.Attempts < attempts)
        {
            Assert.False(running.IsCompleted, "The load ended before the fault.");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(120), "The load made no progress.");
            await Task.Delay(50);
        }
    }

    private static async Task SetConnectionsAllowedAsync(string database, bool allowed)
    {
        await using var admin = new NpgsqlConnection(TestPostgres.AdminConnectionString);
        await admin.OpenAsync();
        await admin.ExecuteAsync($"ALTER DATABASE {database} ALLOW_CONNECTIONS {(allowed ? "true" : "false")}");
        if (!allowed)
        {
            await admin.ExecuteAsync("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = @database", new { database });
        }
        else
        {
            // The test's own pooled connections were terminated too.
            NpgsqlConnection.ClearAllPools();
        }
    }

    /// <summary>Writes zeros until the file system says it is full.</summary>
    private static void Fill(string path)
    {
        var block = new byte[64 * 1024];
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
        try
        {
            for (var i = 0; i < 100_000; i++)
            {
                stream.Write(block);
            }
        }
        catch (IOException)
        {
            // Full.
        }

        Assert.True(stream.Length > 0, "Nothing could be written to the tmpfs.");
    }

    private static async Task<(bool Ok, string Error)> RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program, arguments) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode == 0, error);
    }

    internal static string Marker() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
}

using System.Globalization;
using Hangfire;
using SecureDrop.Net.Core.Jobs;
using SecureDrop.Net.Vault.Notifications;

namespace SecureDrop.Net.Proof.Tests.Faults;

/// <summary>
/// SMTP unreachable under a running load (issue 8, "Faults: make SMTP unreachable"), on the real processes. Tips are
/// unaffected; the notice that is due is attempted, fails, is recorded and logged, and is tried again only later,
/// each time later than the last (the back-off of <see cref="NotificationStore.MarkFailedAsync"/>); once the mail
/// server is back on the same address the notice is delivered exactly once. The wait between attempts (minutes) is
/// not sat out: the test moves the recorded due moment to now, as the clock would, and has Hangfire run the
/// worker's recurring notify job at once, as its minutely schedule would.
/// </summary>
public sealed class SmtpFaultTests
{
    private const string NotifyJobCategory = "SecureDrop.Net.Vault.Notifications.NotifyJob";

    [Fact]
    public async Task SmtpUnreachableUnderLoad_TipsAreUnaffected_NoticesBackOff_AndAreDeliveredOnceWhenItIsBack()
    {
        using var key = NewsroomSecretKey.Generate("Fault newsroom", TimeProvider.System.GetUtcNow());
        using var instance = await TestInstance.CreateAsync(Store.Sqlite, key);
        // A port nothing listens on yet, on loopback: every connection attempt of the notifier is refused.
        var port = Ports.FreeLoopbackPort();
        var smtp = new Dictionary<string, string>
        {
            ["Smtp__Host"] = "127.0.0.1",
            ["Smtp__Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Smtp__Security"] = "None",
            ["Smtp__From"] = "tips-noreply@newsroom.example",
            // The longest period: the notice's own random moment is then almost surely weeks away, so every attempt
            // below is one the test made due.
            ["Notifications__Period"] = "31.00:00:00",
        };
        await using var deployment = await Deployment.StartAsync(instance, smtp);
        // A journalist who wants notifications, so the notifier has someone to (fail to) write to.
        await using (var connection = await instance.Database.OpenAsync())
        {
            await connection.ExecuteAsync(
                "UPDATE journalists SET notify_email = @email, notify_public_key = @key",
                new { email = "desk@newsroom.example", key = key.PublicKey.ToArmored() });
        }

        using var load = await TipLoad.SignedInAsync(deployment.FrontEnd, FaultTests.Marker());
        await load.RunAsync("smtp unreachable", FaultTests.TipsPerFault, FaultTests.Pause);

        Assert.Empty(load.Unexpected);
        Assert.Empty(load.Busy);
        Assert.Empty(load.Unanswered);
        Assert.Equal(FaultTests.TipsPerFault, load.Acknowledged.Count);
        await FaultTests.AssertEveryAcknowledgedTipStoredOnceAsync(deployment, key, load);
        await deployment.WaitUntilAsync(async () => await deployment.CountAsync("SELECT count(*) FROM notification_state WHERE pending = @pending", new { pending = true }) == 1,
            TimeSpan.FromSeconds(30), "a notice to become pending");

        var storage = HangfireStorage.Open(instance.Database);
        var jobs = new RecurringJobManager(storage);
        // Three attempts while the server is unreachable: each fails, is counted, and sets the next try further out.
        var delays = new List<long>();
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var dueFrom = await MakeDueNowAsync(instance);
            await RunNotifyJobAsync(jobs, storage, deployment);
            var (failures, dueAt, lastError) = await StateAsync(instance);
            Assert.Equal(attempt, failures);
            Assert.False(string.IsNullOrEmpty(lastError), "A failed send is recorded for the console.");
            delays.Add(dueAt - dueFrom);
        }

        Assert.True(delays[0] >= 60, $"The first retry is not put off: {delays[0]} s.");
        Assert.True(delays[1] > delays[0] && delays[2] > delays[1], $"The delay does not grow: {string.Join(", ", delays)} s.");
        // Not tried again before it is due: another run of the job leaves the notice alone.
        await RunNotifyJobAsync(jobs, storage, deployment);
        Assert.Equal(3, (await StateAsync(instance)).Failures);
        Assert.Equal(3, Occurrences(deployment["worker"].Output, $"{NotifyJobCategory}[2402]"));
        Assert.False(deployment["worker"].HasExited, "The worker died when SMTP was unreachable:\n" + deployment["worker"].Output);

        // The mail server comes back on the same address: the next due attempt delivers, once.
        await using var sink = await SmtpSink.StartAsync(port);
        await MakeDueNowAsync(instance);
        await RunNotifyJobAsync(jobs, storage, deployment);
        await deployment.WaitUntilAsync(() => Task.FromResult(sink.Messages().Count > 0), TimeSpan.FromSeconds(30), "the notice to arrive");
        var (failuresAfter, _, errorAfter) = await StateAsync(instance);
        Assert.Equal(0, failuresAfter);
        Assert.Null(errorAfter);
        Assert.Equal(0, await deployment.CountAsync("SELECT count(*) FROM notification_state WHERE pending = @pending", new { pending = true }));
        await RunNotifyJobAsync(jobs, storage, deployment);
        await RunNotifyJobAsync(jobs, storage, deployment);
        Assert.Single(sink.Messages());
        Assert.Equal(1, Occurrences(deployment["worker"].Output, $"{NotifyJobCategory}[2401]"));
    }

    /// <summary>Moves the pending notice's due moment to now (the back-off waited out); returns that moment.</summary>
    private static async Task<long> MakeDueNowAsync(TestInstance instance)
    {
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
        await using var connection = await instance.Database.OpenAsync();
        Assert.Equal(1, await connection.ExecuteAsync("UPDATE notification_state SET due_at = @now WHERE pending = @pending", new { now, pending = true }));
        return now;
    }

    /// <summary>Has the worker run its recurring notify job now, and waits until that run has finished.</summary>
    private static async Task RunNotifyJobAsync(RecurringJobManager jobs, JobStorage storage, Deployment deployment)
    {
        var id = jobs.TriggerJob(NotifyJob.RecurringId);
        Assert.False(string.IsNullOrEmpty(id), "The worker has not registered its notify job.");
        await deployment.WaitUntilAsync(() =>
        {
            using var connection = storage.GetConnection();
            return Task.FromResult(connection.GetStateData(id)?.Name is "Succeeded" or "Failed" or "Deleted");
        }, TimeSpan.FromSeconds(60), "the notify job to run");
        using var connection = storage.GetConnection();
        Assert.Equal("Succeeded", connection.GetStateData(id)?.Name);
    }

    private static async Task<(int Failures, long DueAt, string? LastError)> StateAsync(TestInstance instance)
    {
        await using var connection = await instance.Database.OpenAsync();
        return await connection.QuerySingleAsync<(int, long, string?)>("SELECT failures, due_at, last_error FROM notification_state");
    }

    private static int Occurrences(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}

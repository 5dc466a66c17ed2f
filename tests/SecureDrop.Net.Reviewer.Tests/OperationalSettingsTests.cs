using Microsoft.Extensions.Time.Testing;
using SecureDrop.Net.Core.Jobs;
using SecureDrop.Net.Submission;
using SecureDrop.Net.Vault.Notifications;
using SecureDrop.Net.Worker;

namespace SecureDrop.Net.Reviewer.Tests;

/// <summary>
/// The onion address, retention period and notification period set on /admin/settings: the running front end sends
/// the new Onion-Location within seconds, and the worker's jobs (resolved from the worker's own services) use the
/// console's retention and notification periods over the environment's.
/// </summary>
public sealed class OperationalSettingsTests : ConsoleTestBase
{
    private const string Onion = "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad";

    [Fact]
    public async Task OnionAddressSet_FrontEndSendsItAsOnionLocationWithinSeconds_AndStopsWhenCleared()
    {
        await using var frontEnd = await RunningApp.StartAsync(url => SubmissionApp.Build(Instance.Data, url, Instance.Settings));
        using var source = new SourceClient(frontEnd.Address);
        using (var before = await source.Http.GetAsync(new Uri("/?lang=en", UriKind.Relative)))
        {
            Assert.False(before.Headers.Contains("Onion-Location"));
        }

        using var admin = await SignedInAsync();
        using (var saved = await PostFormAsync(admin, "/admin/settings", "/admin/settings", ("onion_address", $"  {Onion.ToUpperInvariant()}.onion/ ")))
        {
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
            Assert.Contains($"value=\"http://{Onion}.onion\"", await saved.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal($"http://{Onion}.onion/?lang=en", await OnionLocationEventuallyAsync(source, expectSet: true));
        await using (var connection = await Instance.Database.OpenAsync())
        {
            Assert.Equal("onion_address", await connection.ExecuteScalarAsync<string>("SELECT subject FROM audit_events WHERE action = 'settings changed'"));
        }

        using (await PostFormAsync(admin, "/admin/settings", "/admin/settings", ("onion_address", "")))
        {
        }

        Assert.Null(await OnionLocationEventuallyAsync(source, expectSet: false));
    }

    [Fact]
    public async Task RetentionSetInTheConsole_TheWorkersRetentionJobUsesIt_AndOffKeepsEverything()
    {
        var longAgo = new FakeTimeProvider(TimeProvider.System.GetUtcNow().AddDays(-40));
        var sourceId = await new SourceStore(Instance.Database, longAgo).CreateAsync(Core.Data.Ids.New());
        await Seed.SubmissionForSourceAsync(Instance.Database, longAgo, sourceId, "forty days old");
        await Seed.SubmissionForSourceAsync(Instance.Database, sourceId, "from today");
        // The environment keeps everything for 60 days; the console says 30.
        var environment = new Dictionary<string, string?>(Instance.Settings) { ["Retention:SubmissionDays"] = "60" };
        using var worker = WorkerApp.Build(Instance.Data, environment);
        using var admin = await SignedInAsync();

        using (await PostFormAsync(admin, "/admin/settings", "/admin/settings", ("retention_days", "off")))
        {
        }

        var job = worker.Services.GetRequiredService<RetentionJob>();
        Assert.Equal(0, await job.SubmissionDaysAsync());
        Assert.Equal(0, (await job.PurgeAsync()).Submissions);
        Assert.Equal(2, await ReadySubmissionsAsync(sourceId));

        using (await PostFormAsync(admin, "/admin/settings", "/admin/settings", ("retention_days", "30")))
        {
        }

        var counts = await worker.Services.GetRequiredService<RetentionJob>().PurgeAsync();

        Assert.Equal(1, counts.Submissions);
        Assert.Equal(1, await ReadySubmissionsAsync(sourceId));
        Assert.Contains("value=\"30\"", await admin.Http.GetStringAsync(new Uri("/admin/settings", UriKind.Relative)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task IngestWindowSetInTheConsole_ReschedulesTheWorkersRun_IsAudited_AndTheSourcesPageSaysIt()
    {
        using var admin = await SignedInAsync();
        Assert.Contains("every 1 hour (UTC)", await admin.Http.GetStringAsync(new Uri("/", UriKind.Relative)), StringComparison.Ordinal);

        using (var refused = await PostFormAsync(admin, "/admin/settings", "/admin/settings", ("ingest_window_minutes", "7")))
        {
            Assert.Contains("must be 1, 2, 3, 4, 5, 6, 10, 12, 15, 20 or 30 minutes", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (await PostFormAsync(admin, "/admin/settings", "/admin/settings", ("ingest_window_minutes", "240")))
        {
        }

        // The recurring run the worker serves now closes every four hours; the worker reads the same setting.
        using (var jobs = HangfireStorage.Open(Instance.Database).GetConnection())
        {
            Assert.Equal("0 */4 * * *", jobs.GetAllEntriesFromHash($"recurring-job:{IngestWindowJob.RecurringId}")?["Cron"]);
        }

        using var worker = WorkerApp.Build(Instance.Data, Instance.Settings);
        Assert.Equal(TimeSpan.FromHours(4), await worker.Services.GetRequiredService<IngestSchedule>().WindowAsync());
        Assert.Contains("every 4 hours (UTC)", await admin.Http.GetStringAsync(new Uri("/", UriKind.Relative)), StringComparison.Ordinal);
        await using var connection = await Instance.Database.OpenAsync();
        Assert.Contains("ingest_window_minutes", await connection.QueryAsync<string>("SELECT subject FROM audit_events WHERE action = 'settings changed'"));
    }

    [Fact]
    public async Task NotificationPeriodSetInTheConsole_TheWorkerBatchesWithIt()
    {
        await using (var connection = await Instance.Database.OpenAsync())
        {
            await connection.ExecuteAsync("UPDATE journalists SET notify_email = 'desk@newsroom.example'");
        }

        using var worker = WorkerApp.Build(Instance.Data, Instance.Settings);
        using var admin = await SignedInAsync();
        using (await PostFormAsync(admin, "/admin/settings", "/admin/settings", ("notification_period_minutes", "10")))
        {
        }

        // The worker's own settings store has read nothing yet, so it reads the saved row.
        var notifications = worker.Services.GetRequiredService<NotificationStore>();
        Assert.Equal(TimeSpan.FromMinutes(10), await notifications.PeriodAsync());
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
        await notifications.MarkPendingAsync();

        // The send moment is drawn within the current or the next 10-minute period, not the environment's day.
        await using var read = await Instance.Database.OpenAsync();
        var dueAt = await read.ExecuteScalarAsync<long>("SELECT due_at FROM notification_state");
        Assert.InRange(dueAt, now - 600, now + 1200);
    }

    private static async Task<string?> OnionLocationEventuallyAsync(SourceClient source, bool expectSet)
    {
        string? value = null;
        for (var attempt = 0; attempt < 40; attempt++)
        {
            using var response = await source.Http.GetAsync(new Uri("/?lang=en", UriKind.Relative));
            value = response.Headers.TryGetValues("Onion-Location", out var values) ? values.Single() : null;
            if ((value is not null) == expectSet)
            {
                return value;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        return value;
    }

    private async Task<long> ReadySubmissionsAsync(string sourceId)
    {
        await using var connection = await Instance.Database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM submissions WHERE source_id = @sourceId", new { sourceId });
    }
}

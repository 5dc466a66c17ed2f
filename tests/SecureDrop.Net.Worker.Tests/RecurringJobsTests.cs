using SecureDrop.Net.Vault.Notifications;

namespace SecureDrop.Net.Worker.Tests;

/// <summary>
/// A recurring job is one class marked [RecurringJob] (issue 20, "one place per change"): the worker's container
/// resolves it and its schedule is in Hangfire's storage once the worker has started, with nothing listed elsewhere.
/// </summary>
public sealed class RecurringJobsTests
{
    [Fact]
    public async Task EveryMarkedJob_IsResolvedAndScheduled_ByTheWorker()
    {
        // The jobs that were listed by hand before keep their schedules (a new job adds itself, not a line here).
        var found = RecurringJobs.All.Select(job => (job.Schedule.Id, job.Schedule.Cron)).ToList();
        Assert.Contains((NotifyJob.RecurringId, "* * * * *"), found);
        Assert.Contains((ReconcileJob.RecurringId, "* * * * *"), found);
        Assert.Contains((RetentionJob.RecurringId, "0 * * * *"), found);
        using var instance = await TestInstance.CreateAsync();
        using var worker = WorkerApp.Build(instance.Data, instance.Settings);
        await worker.StartAsync();
        try
        {
            using var scope = worker.Services.CreateScope();
            var storage = Core.Jobs.HangfireStorage.Open(instance.Database);
            using var connection = storage.GetConnection();
            foreach (var (type, schedule, _) in RecurringJobs.All)
            {
                Assert.IsType(type, scope.ServiceProvider.GetRequiredService(type));
                var stored = connection.GetAllEntriesFromHash($"recurring-job:{schedule.Id}");
                Assert.NotNull(stored);
                Assert.Equal(schedule.Cron, stored["Cron"]);
                Assert.Contains(type.Name, stored["Job"], StringComparison.Ordinal);
            }
        }
        finally
        {
            await worker.StopAsync();
        }
    }
}

using Hangfire;

namespace SecureDrop.Net.Worker.Tests;

public sealed class WorkerTests
{
    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.PostgreSql)]
    public async Task Worker_ClosesTheIngestWindowWhenTriggeredThroughSharedStorage_AndQueuesNoJobPerSubmission(Store store)
    {
        using var instance = await TestInstance.CreateAsync(store);
        var database = instance.Database;
        var submissionId = await RecordIntakeSubmissionAsync(instance.Data, database);

        using var worker = WorkerApp.Build(instance.Data, instance.Settings);
        await worker.StartAsync();
        try
        {
            // "Trigger now" on the dashboard's unscheduled close-now job, from another process's Hangfire client.
            var storage = Core.Jobs.HangfireStorage.Open(database);
            new RecurringJobManager(storage).Trigger(IngestWindowJob.CloseNowId);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            string? state = null;
            // The run commits the rows, then removes what it took from intake/: wait for both.
            while (clock.Elapsed < TimeSpan.FromSeconds(30) && (state != "ready" || Directory.EnumerateFiles(instance.Data.IntakeDirectory).Any()))
            {
                await Task.Delay(100);
                await using var connection = await database.OpenAsync();
                state = await connection.ExecuteScalarAsync<string>("SELECT state FROM submissions WHERE id = @submissionId", new { submissionId });
            }

            Assert.Equal("ready", state);
            Assert.Empty(Directory.GetFiles(instance.Data.IntakeDirectory));
            Assert.Single(Directory.GetFiles(instance.Data.VaultDirectory));
            using var jobs = storage.GetConnection();
            var recurring = jobs.GetAllEntriesFromHash($"recurring-job:{IngestWindowJob.RecurringId}");
            Assert.Equal("0 * * * *", recurring?["Cron"]);
            var monitor = storage.GetMonitoringApi();
            var all = monitor.SucceededJobs(0, 1000).Select(j => j.Key).Concat(monitor.ProcessingJobs(0, 1000).Select(j => j.Key))
                .Concat(monitor.EnqueuedJobs("default", 0, 1000).Select(j => j.Key));
            Assert.DoesNotContain(all, id => jobs.GetJobData(id)?.Job?.Args.Any(a => Equals(a, submissionId)) == true);
        }
        finally
        {
            await worker.StopAsync();
        }
    }

    private static async Task<string> RecordIntakeSubmissionAsync(DataDirectory data, MetadataDatabase database)
    {
        var files = new ItemFiles(data);
        var recipient = new NewsroomKeys(data).LoadActivePublicKey();
        var itemId = Ids.New();
        long length;
        await using (var writer = files.BeginIntake(itemId))
        {
            await using (var encryptor = MessageEncryptor.Open(writer.Stream, recipient, ""))
            {
                await encryptor.WriteAsync("a tip"u8.ToArray());
            }

            await writer.CommitAsync();
            length = writer.Length;
        }

        var sourceId = await new Core.Sources.SourceStore(database, TimeProvider.System).CreateAsync(Ids.New());
        var submissionId = Ids.New();
        new IntakeLedger(data).Add(new IntakeEnvelope(submissionId, sourceId, [new NewItem(itemId, ItemKind.Message, length, recipient.Fingerprint)]));
        return submissionId;
    }
}

using Dapper;
using Hangfire;
using Microsoft.Extensions.Hosting;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Jobs;
using SecureDrop.Net.Core.Keys;
using SecureDrop.Net.Core.Submissions;
using SecureDrop.Net.Crypto;
using SecureDrop.Net.Testing;
using SecureDrop.Net.Vault.Jobs;

namespace SecureDrop.Net.Worker.Tests;

public sealed class WorkerTests
{
    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.PostgreSql)]
    public async Task Worker_RunsAnIngestJobEnqueuedThroughSharedStorage(Store store)
    {
        using var instance = await TestInstance.CreateAsync(store);
        var database = instance.Database;
        var submissionId = await RecordIntakeSubmissionAsync(instance.Data, database);
        // The front end's side: a Hangfire client on the same storage, in another host.
        var client = new BackgroundJobClient(Core.Jobs.HangfireStorage.Open(database));
        client.Enqueue<IIngestJob>(job => job.RunAsync(submissionId));

        using var worker = WorkerApp.Build(instance.Data, instance.Settings);
        await worker.StartAsync();
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            string? state = null;
            while (clock.Elapsed < TimeSpan.FromSeconds(30) && state != "ready")
            {
                await Task.Delay(100);
                await using var connection = await database.OpenAsync();
                state = await connection.ExecuteScalarAsync<string>("SELECT state FROM submissions WHERE id = @submissionId", new { submissionId });
            }

            Assert.Equal("ready", state);
            Assert.Empty(Directory.GetFiles(instance.Data.IntakeDirectory));
            Assert.Single(Directory.GetFiles(instance.Data.VaultDirectory));
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
        await new SubmissionStore(database, TimeProvider.System).RecordAsync(sourceId, submissionId, [new NewItem(itemId, ItemKind.Message, length, recipient.Fingerprint)]);
        return submissionId;
    }
}

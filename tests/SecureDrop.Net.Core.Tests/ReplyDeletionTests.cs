using Hangfire;
using Microsoft.Extensions.Logging.Abstractions;
using SecureDrop.Net.Core.Jobs;
using SecureDrop.Net.Core.Replies;

namespace SecureDrop.Net.Core.Tests;

/// <summary>Replies leave nothing behind: the delete job erases file then row; deleting a source takes its replies.</summary>
public sealed class ReplyDeletionTests
{
    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.PostgreSql)]
    public async Task DeleteReply_ErasesVaultFileAndRow_AndIsSafeToRepeat(Store store)
    {
        using var instance = await TestInstance.CreateAsync(store);
        var (sourceId, key) = await Seed.SourceWithReplyKeyAsync(instance.Database);
        key.Dispose();
        var doomed = await Seed.ReplyAsync(instance.Database, sourceId, "doomed");
        var kept = await Seed.ReplyAsync(instance.Database, sourceId, "kept");

        await Delete(instance).DeleteReplyAsync(doomed);
        await Delete(instance).DeleteReplyAsync(doomed);

        Assert.Equal([kept + ".gpg"], Directory.GetFiles(instance.Data.VaultDirectory).Select(Path.GetFileName));
        Assert.Equal([kept], (await new ReplyStore(instance.Database, TimeProvider.System).OfSourceAsync(sourceId)).Select(r => r.Id));
    }

    [Fact]
    public async Task DeleteSource_ErasesItsRepliesToo()
    {
        using var instance = await TestInstance.CreateAsync();
        var (sourceId, key) = await Seed.SourceWithReplyKeyAsync(instance.Database);
        key.Dispose();
        await Seed.SubmissionForSourceAsync(instance.Database, sourceId, "tip");
        await Seed.ReplyAsync(instance.Database, sourceId, "answer");

        await Delete(instance).DeleteSourceAsync(sourceId);

        Assert.Empty(Directory.GetFiles(instance.Data.VaultDirectory));
        await using var connection = await instance.Database.OpenAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM replies"));
    }

    [Fact]
    public async Task Reconcile_RequeuesRepliesMarkedDeleted_AndDoesNotTakeReplyFilesForUnclaimedItems()
    {
        using var instance = await TestInstance.CreateAsync();
        var (sourceId, key) = await Seed.SourceWithReplyKeyAsync(instance.Database);
        key.Dispose();
        var replies = new ReplyStore(instance.Database, TimeProvider.System);
        var marked = await Seed.ReplyAsync(instance.Database, sourceId, "source deleted this");
        await Seed.ReplyAsync(instance.Database, sourceId, "still wanted");
        Assert.True(await replies.MarkDeletedAsync(sourceId, marked));
        Assert.False(await replies.MarkDeletedAsync(sourceId, marked));
        var storage = HangfireStorage.Open(instance.Database);
        var logs = new LogCapture();

        await new ReconcileJob(new ItemStore(instance.Database), replies, new ItemFiles(instance.Data),
            new Submissions.IntakeLedger(instance.Data), new Sources.PendingSources(instance.Data),
            new IngestSchedule(new Settings.InstanceSettingsStore(instance.Database, TimeProvider.System), Microsoft.Extensions.Options.Options.Create(new Settings.IngestOptions())),
            new BackgroundJobClient(storage), TimeProvider.System, new Microsoft.Extensions.Logging.Logger<ReconcileJob>(new Microsoft.Extensions.Logging.LoggerFactory([logs]))).RunAsync();

        Assert.Equal(1, storage.GetMonitoringApi().EnqueuedCount("default"));
        Assert.Contains(logs.Lines, line => line.Contains("0 vault item(s) without rows", StringComparison.Ordinal));
    }

    private static DeleteJob Delete(TestInstance instance) =>
        new(new SourceRecords(instance.Database), new ItemStore(instance.Database),
            new ReplyStore(instance.Database, TimeProvider.System), new ItemFiles(instance.Data), NullLogger<DeleteJob>.Instance);
}

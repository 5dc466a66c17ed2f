using Hangfire;
using Microsoft.Extensions.Logging.Abstractions;
using SecureDrop.Net.Core.Jobs;

namespace SecureDrop.Net.Core.Tests;

public sealed class ReconcileTests
{
    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.PostgreSql)]
    public async Task Reconcile_QueuesARunForASubmissionFromAClosedWindow_NotForOneOfTheCurrentWindow(Store store)
    {
        using var instance = await TestInstance.CreateAsync(store);
        var sourceId = await new Sources.SourceStore(instance.Database, TimeProvider.System).CreateAsync(Ids.New());
        var ledger = new IntakeLedger(instance.Data);
        var submissionId = Ids.New();
        ledger.Add(new IntakeEnvelope(submissionId, sourceId, [new NewItem(Ids.New(), ItemKind.Message, 10, "F")]));
        var storage = HangfireStorage.Open(instance.Database);
        var now = TimeProvider.System.GetUtcNow();
        var windowStart = Settings.IngestWindows.StartOf(now, Settings.IngestWindows.Default);
        var envelope = Path.Combine(instance.Data.IntakeDirectory, submissionId + IntakeEnvelope.Suffix);

        // Received in this window (or one whose run is still due): left for the window's own close.
        File.SetLastWriteTimeUtc(envelope, windowStart.UtcDateTime.AddSeconds(1));
        await Job(instance, storage).RunAsync();
        var queuedForTheCurrentWindow = storage.GetMonitoringApi().EnqueuedCount("default");

        // Received before the last boundary, its run missed: queued now, if the boundary is far enough behind.
        File.SetLastWriteTimeUtc(envelope, windowStart.UtcDateTime.AddMinutes(-1));
        await Job(instance, storage).RunAsync();

        Assert.Equal(0, queuedForTheCurrentWindow);
        Assert.Equal(now - windowStart >= ReconcileJob.CatchUpAfter ? 1 : 0, storage.GetMonitoringApi().EnqueuedCount("default"));
        Assert.True(File.Exists(envelope));
    }

    [Fact]
    public async Task Reconcile_ErasesOnlyOrphanedIntakeFilesOlderThanTheGracePeriod()
    {
        using var instance = await TestInstance.CreateAsync();
        var old = Ids.New();
        var partial = Ids.New();
        var fresh = Ids.New();
        await File.WriteAllBytesAsync(Path.Combine(instance.Data.IntakeDirectory, old + ".gpg"), new byte[100]);
        await File.WriteAllBytesAsync(Path.Combine(instance.Data.IntakeDirectory, partial + ".part"), new byte[100]);
        await File.WriteAllBytesAsync(Path.Combine(instance.Data.IntakeDirectory, fresh + ".gpg"), new byte[100]);
        var longAgo = TimeProvider.System.GetUtcNow().UtcDateTime - ReconcileJob.OrphanGracePeriod - TimeSpan.FromMinutes(1);
        File.SetLastWriteTimeUtc(Path.Combine(instance.Data.IntakeDirectory, old + ".gpg"), longAgo);
        File.SetLastWriteTimeUtc(Path.Combine(instance.Data.IntakeDirectory, partial + ".part"), longAgo);

        await Job(instance, HangfireStorage.Open(instance.Database)).RunAsync();

        Assert.Equal([fresh + ".gpg"], Directory.GetFiles(instance.Data.IntakeDirectory).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Reconcile_StalePartialBesideACommittedItem_ErasesOnlyThePartial()
    {
        using var instance = await TestInstance.CreateAsync();
        var files = new ItemFiles(instance.Data);
        var itemId = Ids.New();
        await using (var writer = files.BeginIntake(itemId))
        {
            await writer.Stream.WriteAsync(new byte[10]);
            await writer.CommitAsync();
        }

        var sourceId = await new Sources.SourceStore(instance.Database, TimeProvider.System).CreateAsync(Ids.New());
        new IntakeLedger(instance.Data).Add(new IntakeEnvelope(Ids.New(), sourceId, [new NewItem(itemId, ItemKind.Message, 10, "F")]));
        var stale = Path.Combine(instance.Data.IntakeDirectory, itemId + ".part");
        await File.WriteAllBytesAsync(stale, new byte[100]);
        File.SetLastWriteTimeUtc(stale, TimeProvider.System.GetUtcNow().UtcDateTime - ReconcileJob.OrphanGracePeriod - TimeSpan.FromMinutes(1));

        await Job(instance, HangfireStorage.Open(instance.Database)).RunAsync();

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(files.IntakePath(itemId)), "the acknowledged submission's committed item was erased with the stale .part");
    }

    private static ReconcileJob Job(TestInstance instance, Hangfire.JobStorage storage) =>
        new(new ItemStore(instance.Database), new Replies.ReplyStore(instance.Database, TimeProvider.System), new ItemFiles(instance.Data),
            new IntakeLedger(instance.Data), new Sources.PendingSources(instance.Data),
            new IngestSchedule(new Settings.InstanceSettingsStore(instance.Database, TimeProvider.System), Microsoft.Extensions.Options.Options.Create(new Settings.IngestOptions())),
            new BackgroundJobClient(storage), TimeProvider.System, NullLogger<ReconcileJob>.Instance);
}

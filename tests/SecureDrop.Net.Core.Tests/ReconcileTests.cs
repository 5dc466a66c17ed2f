using Hangfire;
using Microsoft.Extensions.Logging.Abstractions;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Jobs;
using SecureDrop.Net.Core.Submissions;
using SecureDrop.Net.Testing;
using SecureDrop.Net.Vault.Jobs;
using SecureDrop.Net.Vault.Submissions;

namespace SecureDrop.Net.Core.Tests;

public sealed class ReconcileTests
{
    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.PostgreSql)]
    public async Task Reconcile_RequeuesRecordedSubmissionsStillInIntake(Store store)
    {
        using var instance = await TestInstance.CreateAsync(store);
        var files = new ItemFiles(instance.Data);
        var itemId = Ids.New();
        await using (var writer = files.BeginIntake(itemId))
        {
            await writer.Stream.WriteAsync(new byte[10]);
            await writer.CommitAsync();
        }

        var sourceId = await new Sources.SourceStore(instance.Database, TimeProvider.System).CreateAsync(Ids.New());
        await new SubmissionStore(instance.Database, TimeProvider.System).RecordAsync(sourceId, Ids.New(), [new NewItem(itemId, ItemKind.Message, 10, "F")]);
        var storage = HangfireStorage.Open(instance.Database);

        await Job(instance, storage).RunAsync();

        Assert.Equal(1, storage.GetMonitoringApi().EnqueuedCount("default"));
        Assert.True(File.Exists(files.IntakePath(itemId)));
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
        await new SubmissionStore(instance.Database, TimeProvider.System).RecordAsync(sourceId, Ids.New(), [new NewItem(itemId, ItemKind.Message, 10, "F")]);
        var stale = Path.Combine(instance.Data.IntakeDirectory, itemId + ".part");
        await File.WriteAllBytesAsync(stale, new byte[100]);
        File.SetLastWriteTimeUtc(stale, TimeProvider.System.GetUtcNow().UtcDateTime - ReconcileJob.OrphanGracePeriod - TimeSpan.FromMinutes(1));

        await Job(instance, HangfireStorage.Open(instance.Database)).RunAsync();

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(files.IntakePath(itemId)), "the acknowledged submission's committed item was erased with the stale .part");
    }

    private static ReconcileJob Job(TestInstance instance, Hangfire.JobStorage storage) =>
        new(new ItemStore(instance.Database), new Replies.ReplyStore(instance.Database, TimeProvider.System), new ItemFiles(instance.Data), new BackgroundJobClient(storage),
            TimeProvider.System, NullLogger<ReconcileJob>.Instance);
}

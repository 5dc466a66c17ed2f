using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace SecureDrop.Net.Core.Tests;

/// <summary>Retention, deletion and the purge of abandoned sources, with an injected clock.</summary>
public sealed class RetentionTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.PostgreSql)]
    public async Task Retention_DeletesExpiredSubmissionsAndErasesTheirFiles_AndKeepsRecentOnes(Store store)
    {
        using var instance = await TestInstance.CreateAsync(store);
        var clock = new FakeTimeProvider(Start);
        var (sources, submissions) = Stores(instance, clock);
        var sourceId = await sources.CreateAsync(Ids.New());
        var old = await Seed.SubmissionForSourceAsync(instance.Database, clock, sourceId, "old tip", ("old.bin", [1]));
        await submissions.MarkReadyAsync(old);
        clock.Advance(TimeSpan.FromDays(20));
        var recent = await Seed.SubmissionForSourceAsync(instance.Database, clock, sourceId, "recent tip");
        var oldItems = await submissions.ItemIdsAsync(old);
        clock.Advance(TimeSpan.FromDays(15));

        await Job(instance, clock, new RetentionOptions { SubmissionDays = 30 }).RunAsync();

        await using var connection = await instance.Database.OpenAsync();
        Assert.Equal([recent], await connection.QueryAsync<string>("SELECT id FROM submissions"));
        Assert.All(oldItems, id => Assert.False(File.Exists(new ItemFiles(instance.Data).VaultPath(id))));
        Assert.Single(Directory.GetFiles(instance.Data.VaultDirectory));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM sources"));
    }

    [Fact]
    public async Task Retention_Off_KeepsEverything()
    {
        using var instance = await TestInstance.CreateAsync();
        var clock = new FakeTimeProvider(Start);
        var (sources, _) = Stores(instance, clock);
        var sourceId = await sources.CreateAsync(Ids.New());
        await Seed.SubmissionForSourceAsync(instance.Database, clock, sourceId, "kept");
        clock.Advance(TimeSpan.FromDays(3650));

        await Job(instance, clock, new RetentionOptions { SubmissionDays = 0 }).RunAsync();

        Assert.Single(Directory.GetFiles(instance.Data.VaultDirectory));
    }

    [Fact]
    public async Task AbandonedSource_IsPurgedAfterADay_ButANewOneIsKept()
    {
        using var instance = await TestInstance.CreateAsync();
        var clock = new FakeTimeProvider(Start);
        var (sources, _) = Stores(instance, clock);
        var abandoned = await sources.CreateAsync(Ids.New());
        clock.Advance(TimeSpan.FromDays(2));
        var fresh = await sources.CreateAsync(Ids.New());

        await Job(instance, clock, new RetentionOptions()).RunAsync();

        await using var connection = await instance.Database.OpenAsync();
        Assert.Equal([fresh], await connection.QueryAsync<string>("SELECT id FROM sources"));
        Assert.DoesNotContain(abandoned, await connection.QueryAsync<string>("SELECT id FROM sources"));
    }

    [Fact]
    public async Task DeleteSource_ErasesEveryItemAndRow_AndIsSafeToRepeat()
    {
        using var instance = await TestInstance.CreateAsync();
        var (sourceId, _) = await Seed.SubmissionAsync(instance, "one", ("a.bin", [1, 2]));
        var delete = new DeleteJob(new SourceRecords(instance.Database), new ItemStore(instance.Database), new Core.Replies.ReplyStore(instance.Database, TimeProvider.System), new ItemFiles(instance.Data), NullLogger<DeleteJob>.Instance);

        await delete.DeleteSourceAsync(sourceId);
        await delete.DeleteSourceAsync(sourceId);

        Assert.Empty(Directory.GetFiles(instance.Data.VaultDirectory));
        await using var connection = await instance.Database.OpenAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM items"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM sources"));
    }

    [Theory]
    [InlineData(-1, 7, 1, "Retention:SubmissionDays")]
    [InlineData(30, 30, 1, "Retention:WarningDays")]
    [InlineData(0, 7, 0, "Retention:AbandonedSourceDays")]
    public void BadRetentionSettings_NameTheSetting(int days, int warning, int abandoned, string expected)
    {
        var result = new RetentionOptionsValidator().Validate(null, new RetentionOptions { SubmissionDays = days, WarningDays = warning, AbandonedSourceDays = abandoned });

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    private static (SourceStore Sources, ItemStore Submissions) Stores(TestInstance instance, TimeProvider clock) =>
        (new SourceStore(instance.Database, clock), new ItemStore(instance.Database));

    private static RetentionJob Job(TestInstance instance, TimeProvider clock, RetentionOptions options)
    {
        var (sources, submissions) = (new SourceRecords(instance.Database), new ItemStore(instance.Database));
        var delete = new DeleteJob(sources, submissions, new Core.Replies.ReplyStore(instance.Database, clock), new ItemFiles(instance.Data), NullLogger<DeleteJob>.Instance);
        return new RetentionJob(sources, submissions, delete, Options.Create(options), clock, NullLogger<RetentionJob>.Instance);
    }
}

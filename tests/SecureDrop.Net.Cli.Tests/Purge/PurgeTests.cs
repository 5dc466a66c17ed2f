namespace SecureDrop.Net.Cli.Tests.Purge;

/// <summary>sdnet purge: the retention job run now, asking first, reporting counts.</summary>
public sealed class PurgeTests
{
    [Fact]
    public async Task Purge_WithYes_DeletesExpiredSubmissionsOnly_AndReportsCounts()
    {
        using var instance = await TestInstance.CreateAsync();
        var (old, recent) = await SeedAsync(instance);

        var (code, output) = await SdnetProcess.RunAsync(["purge", "--data", instance.Data.Root, "--settings", Settings(instance), "--yes"]);

        Assert.True(code == 0, output);
        Assert.Contains("Due now: 1 submission(s)", output, StringComparison.Ordinal);
        Assert.Contains("Deleted 1 submission(s)", output, StringComparison.Ordinal);
        await using var connection = await instance.Database.OpenAsync();
        Assert.Equal([recent], await connection.QueryAsync<string>("SELECT id FROM submissions"));
        Assert.DoesNotContain(old, await connection.QueryAsync<string>("SELECT id FROM submissions"));
    }

    [Fact]
    public async Task Purge_WithoutConfirmation_DeletesNothing()
    {
        using var instance = await TestInstance.CreateAsync();
        await SeedAsync(instance);

        var (code, output) = await SdnetProcess.RunAsync(["purge", "--data", instance.Data.Root, "--settings", Settings(instance)]);

        AssertFails(code, output, "nothing was deleted");
        await using var connection = await instance.Database.OpenAsync();
        Assert.Equal(2, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM submissions"));
    }

    [Fact]
    public async Task Purge_WithBadRetentionSetting_NamesTheSetting()
    {
        using var instance = await TestInstance.CreateAsync();
        var settings = Path.Combine(instance.Root, "bad.env");
        await File.WriteAllTextAsync(settings, "Retention__SubmissionDays=-4\n");

        var (code, output) = await SdnetProcess.RunAsync(["purge", "--data", instance.Data.Root, "--settings", settings, "--yes"]);

        AssertFails(code, output, "Retention:SubmissionDays");
    }

    private static async Task<(string Old, string Recent)> SeedAsync(TestInstance instance)
    {
        var past = new FixedClock(TimeProvider.System.GetUtcNow().AddDays(-60));
        var sourceId = await new SourceStore(instance.Database, past).CreateAsync(Ids.New());
        var old = await Seed.SubmissionForSourceAsync(instance.Database, past, sourceId, "old tip", ("old.bin", [1, 2]));
        var recent = await Seed.SubmissionForSourceAsync(instance.Database, TimeProvider.System, sourceId, "recent tip");
        return (old, recent);
    }

    private static string Settings(TestInstance instance)
    {
        var file = Path.Combine(instance.Root, "sdnet.env");
        File.WriteAllText(file, "Retention__SubmissionDays=30\n");
        return file;
    }

    private sealed class FixedClock : TimeProvider
    {
        private readonly DateTimeOffset _now;

        public FixedClock(DateTimeOffset now)
        {
            _now = now;
        }

        public override DateTimeOffset GetUtcNow() => _now;
    }
}

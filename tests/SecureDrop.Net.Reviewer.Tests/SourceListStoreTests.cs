namespace SecureDrop.Net.Reviewer.Tests;

/// <summary>The console's read models on both stores: keyset paging, filters, and counters kept in step.</summary>
public sealed class SourceListStoreTests
{
    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.PostgreSql)]
    public async Task Paging_VisitsEverySourceOnceInOrder_AndFiltersCombine(Store store)
    {
        using var instance = await TestInstance.CreateAsync(store);
        await using (var connection = await instance.Database.OpenAsync())
        {
            for (var i = 0; i < 130; i++)
            {
                await connection.ExecuteAsync(
                    "INSERT INTO sources (id, lookup_id, designation, created_day, last_activity_day, ready_submissions, unread_items, starred) VALUES (@id, @id, @name, '2026-01-01', @day, @ready, @unread, @starred)",
                    new { id = Ids.New(), name = $"s{i}", day = $"2026-02-{1 + (i % 9):D2}", ready = i % 13 == 0 ? 0 : 1, unread = i % 2, starred = i % 7 == 0 });
            }
        }

        var list = new SourceList(instance.Database);
        var seen = new List<SourceSummary>();
        SourceCursor? cursor = null;
        do
        {
            var page = await list.PageAsync(new SourceFilter(After: cursor));
            seen.AddRange(page.Sources);
            cursor = page.Next is null ? null : SourceCursor.Parse(page.Next.ToString());
        }
        while (cursor is not null);

        Assert.Equal(120, seen.Count);
        Assert.Equal(seen.Count, seen.Select(s => s.Id).Distinct().Count());
        var expected = seen.OrderByDescending(s => s.Starred).ThenByDescending(s => s.LastActivityDay, StringComparer.Ordinal).ToList();
        Assert.Equal(expected.Select(s => (s.Starred, s.LastActivityDay)), seen.Select(s => (s.Starred, s.LastActivityDay)));
        var starredUnread = await list.PageAsync(new SourceFilter(StarredOnly: true, UnreadOnly: true));
        Assert.NotEmpty(starredUnread.Sources);
        Assert.All(starredUnread.Sources, s => Assert.True(s.Starred && s.UnreadItems > 0));
    }

    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.PostgreSql)]
    public async Task ReadFlagsAndDeletion_KeepTheSourceCountersExact(Store store)
    {
        using var instance = await TestInstance.CreateAsync(store);
        var (sourceId, first) = await Seed.SubmissionAsync(instance, "one", ("a.bin", [1]));
        await Seed.SubmissionForSourceAsync(instance.Database, sourceId, "two");
        var triage = new SourceTriage(instance.Database);
        var submissions = new ItemStore(instance.Database);
        Assert.Equal((2, 3), await CountersAsync(instance, sourceId));

        Assert.False(await submissions.MarkReadyAsync(first));
        Assert.Equal((2, 3), await CountersAsync(instance, sourceId));
        var items = await submissions.ItemIdsAsync(first);
        Assert.Equal(1, await triage.SetReadAsync(sourceId, [items[0]], read: true));
        Assert.Equal(0, await triage.SetReadAsync(sourceId, [items[0]], read: true));
        Assert.Equal((2, 2), await CountersAsync(instance, sourceId));
        await submissions.DeleteSubmissionRowsAsync(first);
        Assert.Equal((1, 1), await CountersAsync(instance, sourceId));
        Assert.Equal(1, await triage.SetReadAsync(sourceId, null, read: true));
        Assert.Equal((1, 0), await CountersAsync(instance, sourceId));
    }

    private static async Task<(long Ready, long Unread)> CountersAsync(TestInstance instance, string sourceId)
    {
        await using var connection = await instance.Database.OpenAsync();
        return await connection.QuerySingleAsync<(long, long)>("SELECT ready_submissions, unread_items FROM sources WHERE id = @sourceId", new { sourceId });
    }
}

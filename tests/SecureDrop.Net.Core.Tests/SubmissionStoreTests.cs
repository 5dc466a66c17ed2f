using System.Data.Common;
using Dapper;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Submissions;
using SecureDrop.Net.Testing;

namespace SecureDrop.Net.Core.Tests;

public sealed class SubmissionStoreTests
{
    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.PostgreSql)]
    public async Task Record_ManyAtOnceForOneSource_AllStoredAndNumberedOneToN(Store store)
    {
        using var instance = await TestInstance.CreateAsync(store);
        var sourceId = await new Sources.SourceStore(instance.Database, TimeProvider.System).CreateAsync(Ids.New());
        var submissions = new SubmissionStore(instance.Database, TimeProvider.System);

        await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Task.Run(() =>
            submissions.RecordAsync(sourceId, Ids.New(), [new NewItem(Ids.New(), ItemKind.Message, 10, "F")]))));

        await using var connection = await instance.Database.OpenAsync();
        var numbers = (await connection.QueryAsync<long>(
            "SELECT number FROM submissions WHERE source_id = @sourceId ORDER BY number", new { sourceId })).ToList();
        Assert.Equal(Enumerable.Range(1, 40).Select(n => (long)n), numbers);
        Assert.Equal(40, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM items"));
    }

    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.PostgreSql)]
    public async Task Record_OneForAnUnknownSourceAmongOthers_FailsAloneAndTheOthersAreStored(Store store)
    {
        using var instance = await TestInstance.CreateAsync(store);
        var sourceId = await new Sources.SourceStore(instance.Database, TimeProvider.System).CreateAsync(Ids.New());
        var submissions = new SubmissionStore(instance.Database, TimeProvider.System);
        var orphan = Ids.New();

        var good = Enumerable.Range(0, 10).Select(_ => Task.Run(() =>
            submissions.RecordAsync(sourceId, Ids.New(), [new NewItem(Ids.New(), ItemKind.Message, 10, "F")]))).ToList();
        var bad = Task.Run(() => submissions.RecordAsync(Ids.New(), orphan, [new NewItem(Ids.New(), ItemKind.Message, 10, "F")]));

        await Assert.ThrowsAnyAsync<DbException>(() => bad);
        await Task.WhenAll(good);
        await using var connection = await instance.Database.OpenAsync();
        Assert.Equal(10, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM submissions WHERE source_id = @sourceId", new { sourceId }));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM submissions WHERE id = @orphan", new { orphan }));
    }
}

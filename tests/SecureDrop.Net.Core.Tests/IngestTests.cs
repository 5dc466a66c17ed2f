using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Jobs;
using SecureDrop.Net.Core.Keys;
using SecureDrop.Net.Core.Submissions;
using SecureDrop.Net.Crypto;
using SecureDrop.Net.Testing;
using SecureDrop.Net.Vault.Jobs;
using SecureDrop.Net.Vault.Notifications;
using SecureDrop.Net.Vault.Submissions;

namespace SecureDrop.Net.Core.Tests;

public sealed class IngestTests
{
    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.PostgreSql)]
    public async Task Ingest_MovesItemsToVaultAndMarksReady_AndIsSafeToRunTwice(Store store)
    {
        using var instance = await TestInstance.CreateAsync(store);
        var (sourceId, submissionId) = await Seed.SubmissionAsync(instance, "hello", ("a.txt", [1, 2, 3]));

        await Job(instance.Database).RunAsync(submissionId);

        var items = await new ItemStore(instance.Database).ItemsOfSourceAsync(sourceId);
        Assert.Equal(2, items.Count);
        Assert.All(items, item => Assert.True(File.Exists(new ItemFiles(instance.Data).VaultPath(item.Id))));
        Assert.Empty(Directory.GetFiles(instance.Data.IntakeDirectory));
    }

    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.PostgreSql)]
    public async Task Ingest_RefusesAnItemNotEncryptedToTheNewsroomKey_AndLeavesItInIntake(Store store)
    {
        using var instance = await TestInstance.CreateAsync(store);
        using var stranger = NewsroomSecretKey.Generate("Someone else", TimeProvider.System.GetUtcNow());
        var files = new ItemFiles(instance.Data);
        var itemId = Ids.New();
        await using (var writer = files.BeginIntake(itemId))
        {
            await using (var encryptor = MessageEncryptor.Open(writer.Stream, stranger.PublicKey, ""))
            {
                await encryptor.WriteAsync("not for us"u8.ToArray());
            }

            await writer.CommitAsync();
        }

        var database = instance.Database;
        var sourceId = await new Sources.SourceStore(database, TimeProvider.System).CreateAsync(Ids.New());
        var submissionId = Ids.New();
        await new SubmissionStore(database, TimeProvider.System).RecordAsync(sourceId, submissionId, [new NewItem(itemId, ItemKind.Message, 1, stranger.Fingerprint)]);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Job(instance.Database).RunAsync(submissionId));
        Assert.True(File.Exists(files.IntakePath(itemId)));
        await using var connection = await database.OpenAsync();
        Assert.Equal("intake", await connection.ExecuteScalarAsync<string>("SELECT state FROM submissions WHERE id = @submissionId", new { submissionId }));
    }

    [Fact]
    public async Task IntakeWriter_DisposedWithoutCommit_LeavesNothing()
    {
        using var instance = await TestInstance.CreateAsync();
        var files = new ItemFiles(instance.Data);

        await using (var writer = files.BeginIntake(Ids.New()))
        {
            await writer.Stream.WriteAsync(new byte[1000]);
        }

        Assert.Empty(Directory.GetFiles(instance.Data.IntakeDirectory));
    }

    private static IngestJob Job(MetadataDatabase database) =>
        new(new ItemStore(database), new ItemFiles(database.Data), new NewsroomKeys(database.Data),
            new NotificationStore(database, Microsoft.Extensions.Options.Options.Create(new NotificationOptions()), TimeProvider.System), NullLogger<IngestJob>.Instance);
}

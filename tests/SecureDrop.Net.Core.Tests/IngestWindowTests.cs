using SecureDrop.Net.Core.Settings;

namespace SecureDrop.Net.Core.Tests;

/// <summary>
/// The ingest window's run (invariant 9, and 5): what waits in intake/ (envelopes, sources made at /generate) is
/// recorded at once, each vault file a new one stamped with the run's time, every row in one transaction; nothing is
/// lost or doubled when a run is repeated; a scheduled run takes only what arrived before its window's boundary.
/// </summary>
public sealed class IngestWindowTests
{
    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.PostgreSql)]
    public async Task CloseNow_RecordsEveryPendingSourceAndEnvelope_StampsTheVaultFiles_AndIsSafeToRunTwice(Store store)
    {
        using var instance = await TestInstance.CreateAsync(store);
        var pending = new PendingSources(instance.Data);
        var first = pending.Create(Ids.New(), [1], [2]);
        var second = pending.Create(Ids.New(), [3], [4]);
        var submissions = new[]
        {
            await EnvelopeAsync(instance, first.Id, "one"),
            await EnvelopeAsync(instance, first.Id, "two"),
            await EnvelopeAsync(instance, second.Id, "three", ("a.pdf", new byte[5000])),
        };

        await Seed.IngestWindowJob(instance.Database).CloseNowAsync();
        await Seed.IngestWindowJob(instance.Database).CloseNowAsync();

        await using var connection = await instance.Database.OpenAsync();
        Assert.Equal(2, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM sources"));
        Assert.Equal(3, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM submissions WHERE state = 'ready'"));
        Assert.Equal([1L, 2L], await connection.QueryAsync<long>("SELECT number FROM submissions WHERE source_id = @Id ORDER BY number", first));
        Assert.Equal(2, await connection.ExecuteScalarAsync<long>("SELECT ready_submissions FROM sources WHERE id = @Id", first));
        Assert.Equal(2, await connection.ExecuteScalarAsync<long>("SELECT unread_items FROM sources WHERE id = @Id", second));
        Assert.Empty(Directory.GetFiles(instance.Data.IntakeDirectory));
        var vault = Directory.GetFiles(instance.Data.VaultDirectory);
        Assert.Equal(4, vault.Length);
        foreach (var file in vault)
        {
            // Modification and access times are the run's start in whole seconds, the same for every file of the run.
            Assert.Equal(0, File.GetLastWriteTimeUtc(file).Ticks % TimeSpan.TicksPerSecond);
            Assert.Equal(File.GetLastWriteTimeUtc(vault[0]), File.GetLastWriteTimeUtc(file));
            Assert.Equal(File.GetLastWriteTimeUtc(file), File.GetLastAccessTimeUtc(file));
        }

        Assert.All(submissions, id => Assert.Equal(CoarseTime.Today(TimeProvider.System),
            connection.ExecuteScalar<string>("SELECT received_day FROM submissions WHERE id = @id", new { id })));
    }

    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.PostgreSql)]
    public async Task RunCutShortAfterItsCommit_TheNextRunOnlyCleansUp_NothingTwice(Store store)
    {
        using var instance = await TestInstance.CreateAsync(store);
        var sourceId = await new SourceStore(instance.Database, TimeProvider.System).CreateAsync(Ids.New());
        var submissionId = await EnvelopeAsync(instance, sourceId, "once");
        var envelope = Path.Combine(instance.Data.IntakeDirectory, submissionId + IntakeEnvelope.Suffix);
        var saved = await File.ReadAllBytesAsync(envelope);
        var items = Directory.GetFiles(instance.Data.IntakeDirectory, "*.gpg").ToDictionary(f => f, File.ReadAllBytes);

        await Seed.IngestWindowJob(instance.Database).CloseNowAsync();
        // As if the run had been killed after its commit, before it removed the intake files.
        await File.WriteAllBytesAsync(envelope, saved);
        foreach (var (path, content) in items)
        {
            await File.WriteAllBytesAsync(path, content);
        }

        await Seed.IngestWindowJob(instance.Database).CloseNowAsync();

        await using var connection = await instance.Database.OpenAsync();
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM submissions"));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT ready_submissions FROM sources WHERE id = @sourceId", new { sourceId }));
        Assert.Empty(Directory.GetFiles(instance.Data.IntakeDirectory));
    }

    [Fact]
    public async Task ScheduledRun_TakesWhatArrivedBeforeItsWindowBoundary_AndLeavesTheCurrentWindow()
    {
        using var instance = await TestInstance.CreateAsync();
        var sourceId = await new SourceStore(instance.Database, TimeProvider.System).CreateAsync(Ids.New());
        var boundary = IngestWindows.StartOf(TimeProvider.System.GetUtcNow(), IngestWindows.Default);
        var before = await EnvelopeAsync(instance, sourceId, "last window");
        var after = await EnvelopeAsync(instance, sourceId, "this window");
        File.SetLastWriteTimeUtc(Path.Combine(instance.Data.IntakeDirectory, before + IntakeEnvelope.Suffix), boundary.UtcDateTime.AddMinutes(-5));
        File.SetLastWriteTimeUtc(Path.Combine(instance.Data.IntakeDirectory, after + IntakeEnvelope.Suffix), boundary.UtcDateTime.AddSeconds(1));

        await Seed.IngestWindowJob(instance.Database, new FixedClock(boundary.AddSeconds(2))).RunAsync();

        await using var connection = await instance.Database.OpenAsync();
        Assert.Equal([before], await connection.QueryAsync<string>("SELECT id FROM submissions"));
        Assert.True(File.Exists(Path.Combine(instance.Data.IntakeDirectory, after + IntakeEnvelope.Suffix)));
    }

    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.PostgreSql)]
    public async Task Run_RefusesAnItemNotEncryptedToTheNewsroomKey_AndLeavesItInIntake(Store store)
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

        var sourceId = await new SourceStore(instance.Database, TimeProvider.System).CreateAsync(Ids.New());
        var submissionId = Ids.New();
        new IntakeLedger(instance.Data).Add(new IntakeEnvelope(submissionId, sourceId, [new NewItem(itemId, ItemKind.Message, 1, stranger.Fingerprint)]));

        await Seed.IngestWindowJob(instance.Database).CloseNowAsync();

        Assert.True(File.Exists(files.IntakePath(itemId)));
        Assert.False(File.Exists(files.VaultPath(itemId)));
        await using var connection = await instance.Database.OpenAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM submissions"));
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

    [Theory]
    [InlineData("01:00:00", null, "0 * * * *")]
    [InlineData("00:15:00", null, "*/15 * * * *")]
    [InlineData("06:00:00", null, "0 */6 * * *")]
    [InlineData("1.00:00:00", null, "0 0 * * *")]
    [InlineData("00:07:00", "must be 1, 2, 3", null)]
    [InlineData("00:00:30", "at least one minute", null)]
    [InlineData("1.12:00:00", "must be 1, 2, 3", null)]
    public void Window_IsCheckedAtStartWithTheSettingsName_AndBecomesACronOfFixedBoundaries(string window, string? problem, string? cron)
    {
        var span = TimeSpan.Parse(window, System.Globalization.CultureInfo.InvariantCulture);

        var result = new IngestOptionsValidator().Validate(null, new IngestOptions { Window = span });

        if (problem is null)
        {
            Assert.True(result.Succeeded);
            Assert.Equal(cron, IngestWindows.Cron(span));
        }
        else
        {
            Assert.True(result.Failed);
            Assert.Contains("Ingest:Window (environment Ingest__Window)", result.FailureMessage, StringComparison.Ordinal);
            Assert.Contains(problem, result.FailureMessage, StringComparison.Ordinal);
        }
    }

    /// <summary>Items encrypted as the front end does and an envelope naming them; returns the submission id.</summary>
    private static async Task<string> EnvelopeAsync(TestInstance instance, string sourceId, string message, params (string Name, byte[] Content)[] files)
    {
        var recipient = new Keys.NewsroomKeys(instance.Data).LoadActivePublicKey();
        var itemFiles = new ItemFiles(instance.Data);
        var items = new List<NewItem>();
        foreach (var (name, content, kind) in files.Select(f => (f.Name, f.Content, ItemKind.File)).Prepend(("", System.Text.Encoding.UTF8.GetBytes(message), ItemKind.Message)))
        {
            var id = Ids.New();
            await using var writer = itemFiles.BeginIntake(id);
            await using (var encryptor = MessageEncryptor.Open(writer.Stream, recipient, name))
            {
                await encryptor.WriteAsync(content);
            }

            await writer.CommitAsync();
            items.Add(new NewItem(id, kind, writer.Length, recipient.Fingerprint, ItemMetadata.Seal(recipient, name, content.Length, null)));
        }

        var submissionId = Ids.New();
        new IntakeLedger(instance.Data).Add(new IntakeEnvelope(submissionId, sourceId, items));
        return submissionId;
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

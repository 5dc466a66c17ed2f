using Microsoft.Extensions.Logging.Abstractions;
using SecureDrop.Net.Core.Replies;
using SecureDrop.Net.Core.Settings;
using SecureDrop.Net.Vault.Notifications;

namespace SecureDrop.Net.Testing;

/// <summary>
/// Puts a submission into an instance the way the front end and the worker do (encrypt into intake, add its
/// envelope, close the ingest window), for tests of the console that need something to read.
/// </summary>
public static class Seed
{
    public static async Task<(string SourceId, string SubmissionId)> SubmissionAsync(TestInstance instance, string? message, params (string Name, byte[] Content)[] files)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var sources = new SourceStore(instance.Database, TimeProvider.System);
        var sourceId = await sources.CreateAsync(Ids.New());
        var submissionId = await SubmissionForSourceAsync(instance.Database, sourceId, message, files);
        return (sourceId, submissionId);
    }

    public static Task<string> SubmissionForSourceAsync(MetadataDatabase database, string sourceId, string? message, params (string Name, byte[] Content)[] files) =>
        SubmissionForSourceAsync(database, TimeProvider.System, sourceId, message, files);

    public static async Task<string> SubmissionForSourceAsync(MetadataDatabase database, TimeProvider time, string sourceId, string? message, params (string Name, byte[] Content)[] files)
    {
        ArgumentNullException.ThrowIfNull(database);
        var parts = (message is null ? [] : new[] { ("", System.Text.Encoding.UTF8.GetBytes(message), ItemKind.Message) })
            .Concat(files.Select(f => (f.Name, f.Content, ItemKind.File)));
        var items = new List<NewItem>();
        foreach (var (name, content, kind) in parts)
        {
            items.Add(await EncryptItemAsync(database.Data, name, content.Length, kind, stream => stream.WriteAsync(content).AsTask()));
        }

        return await IngestAsync(database, time, sourceId, items);
    }

    /// <summary>
    /// A new source with one file of <paramref name="length"/> octets that <paramref name="write"/> writes in pieces:
    /// a large item (a benchmark's gigabyte) without holding it in memory. Returns the source and the item.
    /// </summary>
    public static async Task<(string SourceId, string ItemId)> LargeFileAsync(TestInstance instance, string name, long length, Func<Stream, Task> write)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var sourceId = await new SourceStore(instance.Database, TimeProvider.System).CreateAsync(Ids.New());
        var item = await EncryptItemAsync(instance.Data, name, length, ItemKind.File, write);
        await IngestAsync(instance.Database, TimeProvider.System, sourceId, [item]);
        return (sourceId, item.Id);
    }

    private static async Task<NewItem> EncryptItemAsync(DataDirectory data, string name, long length, ItemKind kind, Func<Stream, Task> write)
    {
        var recipient = new NewsroomKeys(data).LoadActivePublicKey();
        var id = Ids.New();
        await using var writer = new ItemFiles(data).BeginIntake(id);
        await using (var encryptor = MessageEncryptor.Open(writer.Stream, recipient, name))
        {
            await write(encryptor);
        }

        await writer.CommitAsync();
        return new NewItem(id, kind, writer.Length, recipient.Fingerprint, ItemMetadata.Seal(recipient, name, length, kind == ItemKind.Message ? "text/plain; charset=utf-8" : "application/octet-stream"));
    }

    private static async Task<string> IngestAsync(MetadataDatabase database, TimeProvider time, string sourceId, IReadOnlyList<NewItem> items)
    {
        var data = database.Data;
        var submissionId = Ids.New();
        new IntakeLedger(data).Add(new IntakeEnvelope(submissionId, sourceId, items));
        // Received "now" by the given clock: the run takes the day from the envelope's time.
        File.SetLastWriteTimeUtc(Path.Combine(data.IntakeDirectory, submissionId + IntakeEnvelope.Suffix), time.GetUtcNow().UtcDateTime);
        await IngestWindowJob(database, time).CloseNowAsync();
        return submissionId;
    }

    /// <summary>The worker's ingest window job on an instance, as the worker's container builds it.</summary>
    public static IngestWindowJob IngestWindowJob(MetadataDatabase database, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        time ??= TimeProvider.System;
        var data = database.Data;
        var settings = new InstanceSettingsStore(database, time);
        return new IngestWindowJob(
            database, new IntakeLedger(data), new PendingSources(data), new ItemFiles(data), new ItemStore(database), new NewsroomKeys(data),
            new NotificationStore(database, Microsoft.Extensions.Options.Options.Create(new NotificationOptions()), time),
            new IngestSchedule(settings, Microsoft.Extensions.Options.Options.Create(new IngestOptions())), time, NullLogger<IngestWindowJob>.Instance);
    }

    /// <summary>
    /// Stores a reply the way the console does (to the source's reply key and the active newsroom key, into the
    /// vault, then its row), for front-end tests. The source must have a reply key (it signed in at least once).
    /// </summary>
    public static async Task<string> ReplyAsync(MetadataDatabase database, string sourceId, string text)
    {
        ArgumentNullException.ThrowIfNull(database);
        var sourceKey = await new SourceReplyKeys(database, TimeProvider.System).PublicKeyAsync(sourceId)
            ?? throw new InvalidOperationException("The source has no reply key yet.");
        var newsroomKey = new NewsroomKeys(database.Data).LoadActivePublicKey();
        using var output = new MemoryStream();
        using (var encrypting = MessageEncryptor.OpenReply(output, sourceKey, newsroomKey, ""))
        {
            encrypting.Write(System.Text.Encoding.UTF8.GetBytes(text));
        }

        var replyId = Ids.New();
        var length = new ItemFiles(database.Data).WriteVaultItem(replyId, output.ToArray());
        await new ReplyStore(database, TimeProvider.System).AddAsync(sourceId, replyId, length, newsroomKey.Fingerprint);
        return replyId;
    }

    /// <summary>
    /// A source as /generate makes it, with a reply key sealed under a random wrapping key (no codename needed);
    /// the caller gets the unlocked reply key to read replies as the source would, and disposes it.
    /// </summary>
    public static async Task<(string SourceId, SourceReplySecretKey ReplyKey)> SourceWithReplyKeyAsync(MetadataDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        var lookupId = Ids.New();
        var wrappingKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var created = new SourceReplyKeys(database, TimeProvider.System).Create(wrappingKey, lookupId);
        var sourceId = await new SourceStore(database, TimeProvider.System).CreateAsync(lookupId, created.PublicKey, created.SealedSecret);
        return (sourceId, created.Key);
    }
}

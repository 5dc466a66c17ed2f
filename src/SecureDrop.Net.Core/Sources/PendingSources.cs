using System.Text.Json;
using System.Text.Json.Serialization;
using SecureDrop.Net.Core.Data;

namespace SecureDrop.Net.Core.Sources;

/// <summary>A source made at /generate that its ingest window has not recorded yet; <paramref name="Written"/> is its file's time.</summary>
public sealed record PendingSource(string Id, string LookupId, byte[] ReplyPublicKey, byte[] ReplySecretSealed, DateTimeOffset Written = default);

/// <summary>
/// Sources made at /generate, kept in intake/ (one small file each, written durably) until the ingest window that
/// saw them closes and the worker records them, in random order, with the day as their only date. A database row
/// written at /generate would carry the moment (PostgreSQL's WAL keeps each commit's time; SQLite's row ids keep
/// the order) and date the source's first submission, which usually follows within minutes. The front end finds
/// a returning source here until then.
/// </summary>
public sealed class PendingSources
{
    public const string Suffix = ".source";

    private readonly DataDirectory _data;

    public PendingSources(DataDirectory data)
    {
        _data = data;
    }

    /// <summary>Records a new source durably (flushed, renamed, directory flushed) and returns it.</summary>
    public PendingSource Create(string lookupId, byte[] replyPublicKey, byte[] replySecretSealed)
    {
        var source = new PendingSource(Ids.New(), lookupId, replyPublicKey, replySecretSealed);
        var json = JsonSerializer.SerializeToUtf8Bytes(new Stored(source.LookupId, source.ReplyPublicKey, source.ReplySecretSealed), PendingSourceJson.Default.Stored);
        Submissions.IntakeLedger.WriteDurably(_data, source.Id + Suffix, json);
        return source;
    }

    /// <summary>The pending source with this lookup id, if one was made since the last window closed.</summary>
    public PendingSource? FindByLookup(string lookupId) => All().FirstOrDefault(source => source.LookupId == lookupId);

    public PendingSource? Find(string sourceId) =>
        Ids.IsWellFormed(sourceId) && Read(Path.Combine(_data.IntakeDirectory, sourceId + Suffix)) is { } source ? source : null;

    /// <summary>Every pending source; a file that vanished or does not parse (a crash mid-write is a .part, never this) is skipped.</summary>
    public IReadOnlyList<PendingSource> All() =>
        [.. Directory.EnumerateFiles(_data.IntakeDirectory, "*" + Suffix).Select(Read).OfType<PendingSource>()];

    public void Delete(string sourceId) =>
        File.Delete(Path.Combine(_data.IntakeDirectory, (Ids.IsWellFormed(sourceId) ? sourceId : throw new ArgumentException("Not an id.", nameof(sourceId))) + Suffix));

    private static PendingSource? Read(string path)
    {
        var id = Path.GetFileNameWithoutExtension(path);
        try
        {
            var stored = JsonSerializer.Deserialize(File.ReadAllBytes(path), PendingSourceJson.Default.Stored);
            var written = new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero);
            return stored is null || !Ids.IsWellFormed(id) ? null : new PendingSource(id, stored.Lookup, stored.ReplyPublicKey, stored.ReplySecretSealed, written);
        }
        catch (Exception exception) when (exception is IOException or JsonException)
        {
            return null;
        }
    }

    internal sealed record Stored(
        [property: JsonPropertyName("lookup")] string Lookup,
        [property: JsonPropertyName("replyPublicKey")] byte[] ReplyPublicKey,
        [property: JsonPropertyName("replySecretSealed")] byte[] ReplySecretSealed);
}

[JsonSerializable(typeof(PendingSources.Stored))]
internal sealed partial class PendingSourceJson : JsonSerializerContext;

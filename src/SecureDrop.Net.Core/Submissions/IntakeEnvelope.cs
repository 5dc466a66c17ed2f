using System.Text.Json;
using System.Text.Json.Serialization;

namespace SecureDrop.Net.Core.Submissions;

/// <summary>
/// A received submission waiting in intake/ for its ingest window to close: its source and its items (ids, kinds,
/// stored sizes, key, sealed headers), everything the worker needs to record it. The front end writes it after
/// the items are committed, flushed, under a temporary name, then renames it and flushes the directory: its
/// presence under the final name is the durable record of what the source was told was received (invariant 5).
/// Nothing about the submission goes to the database or to Hangfire until the window closes (invariant 9).
/// </summary>
public sealed record IntakeEnvelope(string SubmissionId, string SourceId, IReadOnlyList<NewItem> Items)
{
    public const string Suffix = ".submission";

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(
        new Stored(SourceId, [.. Items.Select(item => new StoredItem(item.Id, item.Kind == ItemKind.Message ? "message" : "file", item.CiphertextBytes, item.NewsroomKey, item.Metadata))]),
        EnvelopeJson.Default.Stored);

    /// <exception cref="JsonException">When the file is not an envelope.</exception>
    public static IntakeEnvelope FromJson(string submissionId, ReadOnlySpan<byte> json)
    {
        var stored = JsonSerializer.Deserialize(json, EnvelopeJson.Default.Stored) ?? throw new JsonException("An empty envelope.");
        return new IntakeEnvelope(
            submissionId,
            stored.Source,
            [.. stored.Items.Select(item => new NewItem(item.Id, item.Kind == "message" ? ItemKind.Message : ItemKind.File, item.Bytes, item.Key, item.Metadata))]);
    }

    internal sealed record Stored(
        [property: JsonPropertyName("source")] string Source,
        [property: JsonPropertyName("items")] IReadOnlyList<StoredItem> Items);

    internal sealed record StoredItem(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("kind")] string Kind,
        [property: JsonPropertyName("bytes")] long Bytes,
        [property: JsonPropertyName("key")] string Key,
        [property: JsonPropertyName("metadata")] byte[]? Metadata);
}

[JsonSerializable(typeof(IntakeEnvelope.Stored))]
internal sealed partial class EnvelopeJson : JsonSerializerContext;

public enum ItemKind
{
    Message,
    File,
}

/// <param name="Metadata">The item's sealed <see cref="ItemMetadata"/> header, or null where none was written.</param>
public sealed record NewItem(string Id, ItemKind Kind, long CiphertextBytes, string NewsroomKey, byte[]? Metadata = null);

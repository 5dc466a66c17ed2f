using System.Text.Json;
using System.Text.Json.Serialization;

namespace SecureDrop.Net.Cli.Backup;

/// <summary>
/// The layout inside a backup's tar archive: a header first (what kind of instance, how many files), then the data
/// directory under <c>data/</c> (SQLite snapshots as <c>data/sdnet.db</c> and <c>data/jobs.db</c>) or, on
/// PostgreSQL, <c>postgresql.dump</c> (pg_dump's custom format), and last a manifest with each file's SHA-256.
/// </summary>
internal static class BackupArchive
{
    public const int Format = 1;
    public const string HeaderName = "sdnet-backup.json";
    public const string ManifestName = "manifest.json";
    public const string DataPrefix = "data/";
    public const string PostgresDumpName = "postgresql.dump";
    public const string MetadataName = "data/sdnet.db";
    public const string JobsName = "data/jobs.db";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Json);

    public static T Deserialize<T>(Stream stream, string what) =>
        JsonSerializer.Deserialize<T>(stream, Json) ?? throw new InvalidDataException($"The backup's {what} is empty.");

    /// <summary>A relative path of ours: forward slashes, no "..", nothing absolute, inside data/ or the dump.</summary>
    public static bool IsSafePath(string path) =>
        path.Length is > 0 and < 1024
        && !path.StartsWith('/')
        && !path.Contains('\\', StringComparison.Ordinal)
        && !path.Contains('\0', StringComparison.Ordinal)
        && path.Split('/').All(part => part.Length > 0 && part != "." && part != "..")
        && (path == PostgresDumpName || (path.StartsWith(DataPrefix, StringComparison.Ordinal) && path.Length > DataPrefix.Length));
}

internal sealed record BackupHeader(
    int Format,
    DateTimeOffset Created,
    string Database,
    long SchemaVersion,
    int Files,
    long Bytes);

internal sealed record ManifestEntry(string Path, long Bytes, string Sha256);

internal sealed record BackupManifest([property: JsonPropertyName("files")] IReadOnlyList<ManifestEntry> Files);

using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Crypto;

namespace SecureDrop.Net.Core.Keys;

/// <summary>What a newsroom key is for: new items (active), only old items (retired), or not yet used (standby).</summary>
public enum NewsroomKeyState
{
    Active,
    Standby,
    Retired,
}

/// <summary>One newsroom key's record: its public half and its state. The secret half is a separate sealed file.</summary>
public sealed record NewsroomKeyRecord(string Fingerprint, NewsroomKeyState State, DateTimeOffset CreatedAt, string AddedDay, string ArmoredPublicKey);

/// <summary>
/// keys/newsroom-keys.json: the list of the instance's newsroom keys. It holds public material and states only,
/// so it may be read by every process; it is written whole to a temporary file and renamed, so a crash leaves the
/// old list or the new one, never half of each.
/// </summary>
public static class NewsroomKeyRecords
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static string FileOf(DataDirectory data) => Path.Combine(data.KeysDirectory, "newsroom-keys.json");

    /// <summary>
    /// The records; an instance made before records existed gets them from its files: the active public key, and
    /// each other sealed secret key as retired (its public half unknown until it is unlocked).
    /// </summary>
    public static List<NewsroomKeyRecord> Read(DataDirectory data)
    {
        var file = FileOf(data);
        if (File.Exists(file))
        {
            return JsonSerializer.Deserialize<List<NewsroomKeyRecord>>(File.ReadAllBytes(file), Json)
                ?? throw new DataDirectoryException($"'{file}' is empty or damaged. Restore it from a backup.");
        }

        var records = new List<NewsroomKeyRecord>();
        if (File.Exists(data.ActivePublicKeyFile))
        {
            var armored = File.ReadAllText(data.ActivePublicKeyFile, Encoding.ASCII);
            var key = NewsroomPublicKey.Parse(Encoding.ASCII.GetBytes(armored));
            records.Add(new NewsroomKeyRecord(key.Fingerprint, NewsroomKeyState.Active, key.CreatedAt, CoarseTime.Day(key.CreatedAt), armored));
        }

        foreach (var sealedFile in Directory.EnumerateFiles(data.KeysDirectory, "newsroom-*.secret"))
        {
            var fingerprint = Path.GetFileNameWithoutExtension(sealedFile)["newsroom-".Length..];
            if (!records.Any(r => r.Fingerprint == fingerprint))
            {
                records.Add(new NewsroomKeyRecord(fingerprint, NewsroomKeyState.Retired, DateTimeOffset.MinValue, "", ""));
            }
        }

        return records;
    }

    public static void Write(DataDirectory data, IReadOnlyList<NewsroomKeyRecord> records)
    {
        var file = FileOf(data);
        DataDirectory.WritePublicFile(file, JsonSerializer.SerializeToUtf8Bytes(records, Json), replace: true);
    }
}

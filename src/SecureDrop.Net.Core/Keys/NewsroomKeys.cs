using System.Text;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Crypto;

namespace SecureDrop.Net.Core.Keys;

/// <summary>
/// The newsroom keys on disk as every process sees them: the active public key in clear (the front end needs only
/// that) and the records of every key (public halves and states). The secret halves, sealed under the vault key,
/// are SecureDrop.Net.Custody's (<c>SealedNewsroomKeys</c>).
/// </summary>
public sealed class NewsroomKeys
{
    private readonly DataDirectory _data;
    private CachedKey? _active;
    private CachedIds? _known;

    public NewsroomKeys(DataDirectory data)
    {
        _data = data;
    }

    /// <summary>The data directory the keys live in.</summary>
    public DataDirectory Data => _data;

    /// <summary>
    /// The key new submissions are encrypted to. Parsing checks every self-signature, too costly for each upload,
    /// so the parsed key is kept until the file changes: a rotation (which replaces the file) needs no restart.
    /// </summary>
    public NewsroomPublicKey LoadActivePublicKey()
    {
        var file = new FileInfo(_data.ActivePublicKeyFile);
        var cached = _active;
        if (cached is not null && file.Exists && cached.WrittenAt == file.LastWriteTimeUtc && cached.Length == file.Length)
        {
            return cached.Key;
        }

        try
        {
            var key = NewsroomPublicKey.Parse(File.ReadAllBytes(file.FullName));
            _active = new CachedKey(file.LastWriteTimeUtc, file.Length, key);
            return key;
        }
        catch (CryptoException exception)
        {
            throw new DataDirectoryException(
                $"The newsroom public key in '{_data.ActivePublicKeyFile}' cannot be used: {exception.Message}", exception);
        }
    }

    /// <summary>
    /// Every newsroom key the instance has, newest state first being the active one. The active public key file
    /// is what the front end encrypts to, so it decides which key is active should the two ever disagree (a crash
    /// between writing one and the other).
    /// </summary>
    public IReadOnlyList<NewsroomKeyRecord> Records()
    {
        var records = NewsroomKeyRecords.Read(_data);
        var active = LoadActivePublicKey();
        return [.. records
            .Select(r => r with { State = r.Fingerprint == active.Fingerprint ? NewsroomKeyState.Active : r.State == NewsroomKeyState.Active ? NewsroomKeyState.Retired : r.State })
            .OrderBy(r => r.State)
            .ThenByDescending(r => r.CreatedAt)];
    }

    /// <summary>The fingerprint of each recorded key whose public half is known, by its encryption key id.</summary>
    public IReadOnlyDictionary<ulong, string> FingerprintsByEncryptionKeyId()
    {
        var map = new Dictionary<ulong, string>();
        foreach (var record in Records())
        {
            if (TryEncryptionKeyId(record.ArmoredPublicKey) is { } id)
            {
                map[id] = record.Fingerprint;
            }
        }

        var active = LoadActivePublicKey();
        map[active.EncryptionKeyId] = active.Fingerprint;
        return map;
    }

    /// <summary>The encryption key ids of every key the instance holds: what an item in intake may be addressed to.</summary>
    public IReadOnlySet<ulong> KnownEncryptionKeyIds()
    {
        var file = new FileInfo(NewsroomKeyRecords.FileOf(_data));
        var active = LoadActivePublicKey().EncryptionKeyId;
        var cached = _known;
        if (cached is null || !file.Exists || cached.WrittenAt != file.LastWriteTimeUtc || cached.Length != file.Length)
        {
            var ids = NewsroomKeyRecords.Read(_data)
                .Select(r => TryEncryptionKeyId(r.ArmoredPublicKey))
                .OfType<ulong>()
                .ToHashSet();
            cached = new CachedIds(file.Exists ? file.LastWriteTimeUtc : default, file.Exists ? file.Length : -1, ids);
            _known = cached;
        }

        return cached.Ids.Contains(active) ? cached.Ids : new HashSet<ulong>(cached.Ids) { active };
    }

    /// <summary>The record of a key given by its full fingerprint (spaces and case ignored).</summary>
    public NewsroomKeyRecord Find(string fingerprint) => Find(Records(), fingerprint);

    /// <summary>The record in <paramref name="records"/> of a key given by its full fingerprint (spaces and case ignored).</summary>
    public static NewsroomKeyRecord Find(IEnumerable<NewsroomKeyRecord> records, string fingerprint)
    {
        var wanted = (fingerprint ?? "").Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        return records.FirstOrDefault(r => r.Fingerprint == wanted)
            ?? throw new DataDirectoryException($"No newsroom key has the fingerprint '{fingerprint}'. List the keys and their full fingerprints with: sdnet keys list");
    }


    // A retired key may have expired since; it no longer parses as a key to encrypt to, and nothing new is sent to it.
    private static ulong? TryEncryptionKeyId(string armored)
    {
        try
        {
            return armored.Length == 0 ? null : NewsroomPublicKey.Parse(Encoding.ASCII.GetBytes(armored)).EncryptionKeyId;
        }
        catch (CryptoException)
        {
            return null;
        }
    }

    // A reference swapped whole, so a reader on another thread never sees one file's time with another's key.
    private sealed record CachedKey(DateTime WrittenAt, long Length, NewsroomPublicKey Key);

    private sealed record CachedIds(DateTime WrittenAt, long Length, HashSet<ulong> Ids);
}

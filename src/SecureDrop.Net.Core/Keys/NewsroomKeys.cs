using System.Text;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Submissions;
using SecureDrop.Net.Crypto;

namespace SecureDrop.Net.Core.Keys;

/// <summary>
/// The newsroom keys on disk: the active public key in clear (the front end needs only that), the records of every
/// key (public halves and states), and each secret key sealed under the vault key, which exists unwrapped only in
/// the memory of an unlocked session or sdnet command.
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

    /// <summary>Opens every sealed newsroom secret key with an unwrapped vault key.</summary>
    public IReadOnlyList<NewsroomSecretKey> UnsealSecretKeys(ReadOnlySpan<byte> vaultKey)
    {
        var keys = new List<NewsroomSecretKey>();
        try
        {
            foreach (var file in Directory.EnumerateFiles(_data.KeysDirectory, "newsroom-*.secret"))
            {
                var fingerprint = Path.GetFileNameWithoutExtension(file)["newsroom-".Length..];
                byte[] plain;
                try
                {
                    plain = SecretBox.Open(vaultKey, File.ReadAllBytes(file), AssociatedData(fingerprint));
                }
                catch (CryptoException exception)
                {
                    // The vault key came out of an authenticated wrap, so it is right: the file is what is wrong.
                    throw new CryptoException(
                        $"The sealed newsroom secret key '{file}' cannot be opened with the vault key: it is damaged or was replaced. Restore it from a backup (sdnet backup restore into an empty directory, then copy that file back); nothing was changed.",
                        exception);
                }

                try
                {
                    keys.Add(NewsroomSecretKey.FromStorageBytes(plain));
                }
                finally
                {
                    Array.Clear(plain);
                }
            }
        }
        catch
        {
            keys.ForEach(k => k.Dispose());
            throw;
        }

        return keys;
    }

    /// <summary>Opens the secret keys as a ring: the active key for new items, every other for decryption only.</summary>
    public UnlockedNewsroomKeys Unlock(ReadOnlySpan<byte> vaultKey)
    {
        var keys = UnsealSecretKeys(vaultKey);
        var activeFingerprint = LoadActivePublicKey().Fingerprint;
        var active = keys.FirstOrDefault(k => k.Fingerprint == activeFingerprint);
        if (active is null)
        {
            foreach (var key in keys)
            {
                key.Dispose();
            }

            throw new DataDirectoryException(
                $"The secret half of the active newsroom key {activeFingerprint} is missing from '{_data.KeysDirectory}'. Restore the keys directory from a backup.");
        }

        return new UnlockedNewsroomKeys(new NewsroomKeyRing(active, keys.Where(k => k != active)), keys);
    }

    /// <summary>Stores the first newsroom key at init: its secret half sealed, its public half active.</summary>
    public void Install(NewsroomSecretKey key, ReadOnlySpan<byte> vaultKey) => Add(key, vaultKey, activate: true, CoarseTime.Day(key?.PublicKey.CreatedAt ?? default));

    /// <summary>
    /// Adds a newsroom key: its secret half sealed under the vault key, then (when <paramref name="activate"/>) its
    /// public half as the active key, the previous active key retired. The sealed file is written first and the
    /// records last, so a crash in between leaves a key that can still decrypt whatever was encrypted to it.
    /// </summary>
    public void Add(NewsroomSecretKey key, ReadOnlySpan<byte> vaultKey, bool activate, string today)
    {
        ArgumentNullException.ThrowIfNull(key);
        var records = File.Exists(NewsroomKeyRecords.FileOf(_data)) || File.Exists(_data.ActivePublicKeyFile) ? [.. Records()] : new List<NewsroomKeyRecord>();
        if (records.Any(r => r.Fingerprint == key.Fingerprint) || File.Exists(_data.SealedSecretKeyFile(key.Fingerprint)))
        {
            throw new DataDirectoryException($"The newsroom key {key.PublicKey.DisplayFingerprint} is already in this instance. List the keys with: sdnet keys list");
        }

        var plain = key.ExportForStorage();
        try
        {
            var sealedKey = SecretBox.Seal(vaultKey, plain, AssociatedData(key.Fingerprint));
            DataDirectory.WriteOwnerOnlyFile(_data.SealedSecretKeyFile(key.Fingerprint), sealedKey);
        }
        finally
        {
            Array.Clear(plain);
        }

        var record = new NewsroomKeyRecord(key.Fingerprint, activate ? NewsroomKeyState.Active : NewsroomKeyState.Standby, key.PublicKey.CreatedAt, today, key.PublicKey.ToArmored());
        records.Add(record);
        if (activate)
        {
            MakeActive(records, record);
        }
        else
        {
            NewsroomKeyRecords.Write(_data, records);
        }
    }

    /// <summary>Makes a standby or retired key the active one again; the current active key is retired.</summary>
    public void Activate(string fingerprint)
    {
        var records = Records().ToList();
        var record = Find(records, fingerprint);
        if (record.ArmoredPublicKey.Length == 0)
        {
            throw new DataDirectoryException($"The public half of key {fingerprint} is not recorded; it cannot be made active.");
        }

        MakeActive(records, record);
    }

    /// <summary>
    /// Erases a key that is not active for good: its sealed secret file is overwritten, flushed and unlinked, then
    /// its record removed. Whether any item still needs it is the caller's check (it needs the metadata).
    /// </summary>
    public NewsroomKeyRecord Destroy(string fingerprint)
    {
        var records = Records().ToList();
        var record = Find(records, fingerprint);
        if (record.State == NewsroomKeyState.Active)
        {
            throw new DataDirectoryException($"Key {record.Fingerprint} is the active key. Make another key active first: sdnet keys rotate --data {_data.Root}");
        }

        ItemFiles.EraseFile(_data.SealedSecretKeyFile(record.Fingerprint));
        records.Remove(record);
        NewsroomKeyRecords.Write(_data, records);
        return record;
    }

    /// <summary>The record of a key given by its full fingerprint (spaces and case ignored).</summary>
    public NewsroomKeyRecord Find(string fingerprint) => Find(Records(), fingerprint);

    private static NewsroomKeyRecord Find(IEnumerable<NewsroomKeyRecord> records, string fingerprint)
    {
        var wanted = (fingerprint ?? "").Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        return records.FirstOrDefault(r => r.Fingerprint == wanted)
            ?? throw new DataDirectoryException($"No newsroom key has the fingerprint '{fingerprint}'. List the keys and their full fingerprints with: sdnet keys list");
    }

    private void MakeActive(List<NewsroomKeyRecord> records, NewsroomKeyRecord record)
    {
        for (var i = 0; i < records.Count; i++)
        {
            records[i] = records[i].Fingerprint == record.Fingerprint
                ? records[i] with { State = NewsroomKeyState.Active }
                : records[i].State == NewsroomKeyState.Active ? records[i] with { State = NewsroomKeyState.Retired } : records[i];
        }

        // The public key file first: it is what the front end encrypts to, and the records follow it (Records()).
        DataDirectory.WritePublicFile(_data.ActivePublicKeyFile, Encoding.ASCII.GetBytes(record.ArmoredPublicKey), replace: true);
        NewsroomKeyRecords.Write(_data, records);
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

    private static byte[] AssociatedData(string fingerprint) => Encoding.ASCII.GetBytes("sdnet newsroom secret key " + fingerprint);

    // A reference swapped whole, so a reader on another thread never sees one file's time with another's key.
    private sealed record CachedKey(DateTime WrittenAt, long Length, NewsroomPublicKey Key);

    private sealed record CachedIds(DateTime WrittenAt, long Length, HashSet<ulong> Ids);
}

/// <summary>The newsroom secret keys opened for one command or session; disposing wipes them.</summary>
public sealed class UnlockedNewsroomKeys : IDisposable
{
    private readonly IReadOnlyList<NewsroomSecretKey> _keys;

    internal UnlockedNewsroomKeys(NewsroomKeyRing ring, IReadOnlyList<NewsroomSecretKey> keys)
    {
        Ring = ring;
        _keys = keys;
    }

    public NewsroomKeyRing Ring { get; }

    public NewsroomSecretKey? KeyFor(string fingerprint) => _keys.FirstOrDefault(k => k.Fingerprint == fingerprint);

    public void Dispose()
    {
        foreach (var key in _keys)
        {
            key.Dispose();
        }
    }
}

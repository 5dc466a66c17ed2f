using System.Text;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Keys;
using SecureDrop.Net.Core.Submissions;
using SecureDrop.Net.Crypto;

namespace SecureDrop.Net.Custody.Keys;

/// <summary>
/// Each newsroom secret key sealed under the vault key (keys/newsroom-FINGERPRINT.secret), which exists unwrapped
/// only in the memory of an unlocked session or sdnet command: opening them, adding, activating and destroying keys.
/// The public side (the active key, the records) is <see cref="NewsroomKeys"/>.
/// </summary>
public sealed class SealedNewsroomKeys
{
    private readonly NewsroomKeys _keys;
    private readonly DataDirectory _data;

    public SealedNewsroomKeys(NewsroomKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = keys;
        _data = keys.Data;
    }

    /// <summary>For a command that opens the data directory itself (sdnet).</summary>
    public SealedNewsroomKeys(DataDirectory data)
        : this(new NewsroomKeys(data))
    {
    }

    /// <summary>The public side of the same keys.</summary>
    public NewsroomKeys Public => _keys;

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
                    throw new CryptoException(CryptoFailure.Tampered,
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
        var activeFingerprint = _keys.LoadActivePublicKey().Fingerprint;
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
        var records = File.Exists(NewsroomKeyRecords.FileOf(_data)) || File.Exists(_data.ActivePublicKeyFile) ? [.. _keys.Records()] : new List<NewsroomKeyRecord>();
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
        var records = _keys.Records().ToList();
        var record = NewsroomKeys.Find(records, fingerprint);
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
        var records = _keys.Records().ToList();
        var record = NewsroomKeys.Find(records, fingerprint);
        if (record.State == NewsroomKeyState.Active)
        {
            throw new DataDirectoryException($"Key {record.Fingerprint} is the active key. Make another key active first: sdnet keys rotate --data {_data.Root}");
        }

        ItemFiles.EraseFile(_data.SealedSecretKeyFile(record.Fingerprint));
        records.Remove(record);
        NewsroomKeyRecords.Write(_data, records);
        return record;
    }

    private void MakeActive(List<NewsroomKeyRecord> records, NewsroomKeyRecord record)
    {
        for (var i = 0; i < records.Count; i++)
        {
            records[i] = records[i].Fingerprint == record.Fingerprint
                ? records[i] with { State = NewsroomKeyState.Active }
                : records[i].State == NewsroomKeyState.Active ? records[i] with { State = NewsroomKeyState.Retired } : records[i];
        }

        // The public key file first: it is what the front end encrypts to, and the records follow it (NewsroomKeys.Records).
        DataDirectory.WritePublicFile(_data.ActivePublicKeyFile, Encoding.ASCII.GetBytes(record.ArmoredPublicKey), replace: true);
        NewsroomKeyRecords.Write(_data, records);
    }

    private static byte[] AssociatedData(string fingerprint) => Encoding.ASCII.GetBytes("sdnet newsroom secret key " + fingerprint);
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

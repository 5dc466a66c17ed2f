using System.Text;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Crypto;

namespace SecureDrop.Net.Core.Keys;

/// <summary>
/// The newsroom keys on disk: the active public key in clear (the front end needs only that), and each secret
/// key sealed under the vault key, which exists unwrapped only in the memory of an unlocked session.
/// </summary>
public sealed class NewsroomKeys
{
    private readonly DataDirectory _data;
    private CachedKey? _active;

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

    /// <summary>Opens every sealed newsroom secret key with an unwrapped vault key.</summary>
    public IReadOnlyList<NewsroomSecretKey> UnsealSecretKeys(ReadOnlySpan<byte> vaultKey)
    {
        var keys = new List<NewsroomSecretKey>();
        foreach (var file in Directory.EnumerateFiles(_data.KeysDirectory, "newsroom-*.secret"))
        {
            var fingerprint = Path.GetFileNameWithoutExtension(file)["newsroom-".Length..];
            var plain = SecretBox.Open(vaultKey, File.ReadAllBytes(file), AssociatedData(fingerprint));
            try
            {
                keys.Add(NewsroomSecretKey.FromStorageBytes(plain));
            }
            finally
            {
                Array.Clear(plain);
            }
        }

        return keys;
    }

    /// <summary>Stores a new newsroom key: its secret half sealed under the vault key, its public half as the active key.</summary>
    public void Install(NewsroomSecretKey key, ReadOnlySpan<byte> vaultKey)
    {
        ArgumentNullException.ThrowIfNull(key);
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

        DataDirectory.WriteOwnerOnlyFile(_data.ActivePublicKeyFile, Encoding.ASCII.GetBytes(key.PublicKey.ToArmored()));
    }

    private static byte[] AssociatedData(string fingerprint) => Encoding.ASCII.GetBytes("sdnet newsroom secret key " + fingerprint);

    // A reference swapped whole, so a reader on another thread never sees one file's time with another's key.
    private sealed record CachedKey(DateTime WrittenAt, long Length, NewsroomPublicKey Key);
}

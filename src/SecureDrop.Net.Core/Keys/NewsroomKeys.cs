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

    public NewsroomKeys(DataDirectory data)
    {
        _data = data;
    }

    /// <summary>The key new submissions are encrypted to; re-read on each call so a rotation needs no restart.</summary>
    public NewsroomPublicKey LoadActivePublicKey()
    {
        try
        {
            return NewsroomPublicKey.Parse(File.ReadAllBytes(_data.ActivePublicKeyFile));
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
}

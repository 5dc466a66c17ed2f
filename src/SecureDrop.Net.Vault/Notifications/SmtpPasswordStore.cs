using System.Text;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Data.Layout;
using SecureDrop.Net.Core.Secrets;
using SecureDrop.Net.Crypto;

namespace SecureDrop.Net.Vault.Notifications;

/// <summary>
/// The SMTP password set with <c>sdnet secrets set-smtp-password</c>, kept in the data directory sealed with
/// AES-256-GCM under the worker's key file (dataprotection/worker.key, owner-only) rather than in the environment.
/// It wins over Smtp:Password. The worker reads it at each send, so a new password is used without a restart.
/// </summary>
/// <remarks>
/// Threat answered: the password does not sit in a unit file or an environment readable through /proc, and a copy
/// of the sealed file alone opens nothing. Not answered: whoever reads the worker's key file too (the worker's
/// user, root, a copy of the whole data directory or a backup) can open it; the SMTP account should allow sending
/// notices and nothing more (SECURITY.md).
/// </remarks>
public sealed class SmtpPasswordStore
{
    private static ReadOnlySpan<byte> AssociatedData => "sdnet smtp password v1"u8;
    private readonly DataDirectory _data;
    private readonly Lock _gate = new();
    private (DateTime WrittenAt, long Length, string Password)? _cached;

    public SmtpPasswordStore(DataDirectory data)
    {
        ArgumentNullException.ThrowIfNull(data);
        _data = data;
    }

    public string SealedFile => Path.Combine(_data.Root, "smtp-password.sealed");

    public string KeyFile => _data.DataProtectionKeyFile("worker");

    public bool IsSet => File.Exists(SealedFile);

    /// <summary>Seals and stores a password, replacing any earlier one in one rename.</summary>
    public void Save(string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        Directory.CreateDirectory(Path.GetDirectoryName(KeyFile)!);
        var key = DataProtectionKeyEncryptionKey.OpenOrCreate(KeyFile);
        var plaintext = Encoding.UTF8.GetBytes(password);
        try
        {
            DataDirectory.WriteOwnerOnlyFile(SealedFile, SecretBox.Seal(key.Key, plaintext, AssociatedData), replace: true);
        }
        finally
        {
            Array.Clear(plaintext);
        }

        GiveToWorker();
    }

    /// <summary>
    /// In the multi-user layout the operator runs sdnet as root and the files land in directories the console's user
    /// owns: the worker, which reads both at each send, must own them (mode 600) or it could not read its password.
    /// </summary>
    private void GiveToWorker()
    {
        if (OperatingSystem.IsWindows() || _data.Layout is not { } layout || UnixFiles.EffectiveUserId != 0)
        {
            return;
        }

        foreach (var file in new[] { KeyFile, SealedFile })
        {
            UnixFiles.SetOwner(file, layout.Worker.Id, layout.SharedGroup.Id);
            File.SetUnixFileMode(file, LayoutRules.PrivateFile);
        }
    }

    /// <summary>Removes the stored password: Smtp:Password from the environment applies again.</summary>
    public bool Remove()
    {
        var existed = IsSet;
        File.Delete(SealedFile);
        return existed;
    }

    /// <summary>The stored password, or null when none is stored. Re-read only when the file changes.</summary>
    public string? Read()
    {
        var file = new FileInfo(SealedFile);
        if (!file.Exists)
        {
            return null;
        }

        lock (_gate)
        {
            if (_cached is { } cached && cached.WrittenAt == file.LastWriteTimeUtc && cached.Length == file.Length)
            {
                return cached.Password;
            }

            var key = DataProtectionKeyEncryptionKey.OpenOrCreate(KeyFile);
            byte[] plaintext;
            try
            {
                plaintext = SecretBox.Open(key.Key, File.ReadAllBytes(SealedFile), AssociatedData);
            }
            catch (CryptoException exception)
            {
                throw new DataDirectoryException(
                    $"The stored SMTP password '{SealedFile}' cannot be opened with '{KeyFile}' (damaged, or sealed under another key file). Set it again with sdnet secrets set-smtp-password.", exception);
            }

            var password = Encoding.UTF8.GetString(plaintext);
            Array.Clear(plaintext);
            _cached = (file.LastWriteTimeUtc, file.Length, password);
            return password;
        }
    }
}

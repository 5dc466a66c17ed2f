using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Jobs;
using SecureDrop.Net.Core.Keys;
using SecureDrop.Net.Core.Sources;
using SecureDrop.Net.Crypto;
using SecureDrop.Net.Custody.Journalists;
using SecureDrop.Net.Custody.Keys;
using SecureDrop.Net.Vault.Data;

namespace SecureDrop.Net.Custody.Setup;

/// <summary>
/// Creates a new instance: the directory tree, the newsroom key sealed under a fresh vault key, the source salt,
/// the metadata and job databases, and the first admin, whose generated passphrase wraps the vault key.
/// </summary>
public static class InstanceInitializer
{
    public const string FirstAdminUsername = "admin";
    private const int PassphraseWords = 7;

    /// <summary>
    /// Initialises <paramref name="path"/> with <paramref name="newsroomKey"/>. On failure the partly created
    /// directory is removed, so a retry starts clean. The returned secrets are shown once and never stored.
    /// </summary>
    public static async Task<InitialSecrets> InitializeAsync(string path, NewsroomSecretKey newsroomKey, TimeProvider time, IOptions<DatabaseOptions>? database = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(newsroomKey);
        var existedBefore = Directory.Exists(path);
        var data = DataDirectory.Create(path);
        var vaultKey = VaultKey.Create();
        var recoveryKey = RandomNumberGenerator.GetBytes(VaultKey.Length);
        try
        {
            new SealedNewsroomKeys(new NewsroomKeys(data)).Install(newsroomKey, vaultKey);
            DataDirectory.WriteOwnerOnlyFile(data.RecoveryWrapFile, VaultKey.WrapForRecovery(vaultKey, recoveryKey));
            SourceIdentity.CreateInstanceSalt(data);
            MetadataSchema.Create(data, database);
            var metadata = new MetadataDatabase(data, database);
            HangfireStorage.Create(metadata);
            await DatabaseRoles.ApplyAsync(metadata, cancellationToken).ConfigureAwait(false);

            var passphrase = Codename.Generate(PassphraseWords);
            var adminId = Ids.New();
            var secrets = JournalistCredentials.Create(passphrase, vaultKey, adminId);
            await new JournalistStore(metadata, time)
                .AddAsync(adminId, FirstAdminUsername, isAdmin: true, secrets, cancellationToken).ConfigureAwait(false);
            return new InitialSecrets(data, FirstAdminUsername, passphrase, VaultKey.FormatRecoveryKey(recoveryKey), newsroomKey.PublicKey.DisplayFingerprint);
        }
        catch
        {
            RemovePartialInstance(data, existedBefore);
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(vaultKey);
            CryptographicOperations.ZeroMemory(recoveryKey);
        }
    }

    private static void RemovePartialInstance(DataDirectory data, bool keepRoot)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(data.Root))
        {
            if (Directory.Exists(entry))
            {
                Directory.Delete(entry, recursive: true);
            }
            else
            {
                File.Delete(entry);
            }
        }

        if (!keepRoot)
        {
            Directory.Delete(data.Root);
        }
    }
}

/// <summary>What init prints once: the first admin's passphrase and the recovery key. Neither is kept anywhere.</summary>
public sealed record InitialSecrets(DataDirectory Data, string AdminUsername, string AdminPassphrase, string RecoveryKey, string NewsroomFingerprint);

using System.CommandLine;
using System.Security.Cryptography;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Crypto;
using SecureDrop.Net.Custody.Journalists;
using SecureDrop.Net.Custody.Keys;
using SecureDrop.Net.Vault.Audit;

namespace SecureDrop.Net.Cli.Unlock;

/// <summary>
/// How a command that needs the vault key gets it: an admin's user name (--as) and passphrase, or the recovery
/// key printed at init (--recovery-key). The secret is read from the terminal or standard input, never from an
/// argument. The vault key lives in this process's memory for the command only.
/// </summary>
internal sealed class VaultUnlock
{
    private VaultUnlock(Option<string> admin, Option<bool> recovery)
    {
        Admin = admin;
        Recovery = recovery;
    }

    public Option<string> Admin { get; }

    public Option<bool> Recovery { get; }

    /// <summary>Adds --as and --recovery-key to <paramref name="command"/>, with a check that exactly one is given.</summary>
    public static VaultUnlock AddTo(Command command)
    {
        var admin = new Option<string>("--as") { Description = "Unlock as this admin; their passphrase is asked for (or read from the first line of standard input).", HelpName = "ADMIN" };
        var recovery = new Option<bool>("--recovery-key") { Description = "Unlock with the recovery key printed at init, asked for (or read from the first line of standard input)." };
        command.Options.Add(admin);
        command.Options.Add(recovery);
        command.Validators.Add(result =>
        {
            if (result.GetValue(admin) is null == !result.GetValue(recovery))
            {
                result.AddError($"'{command.Name}' needs the vault key: give --as ADMIN (an admin's user name) or --recovery-key, one of the two.");
            }
        });
        return new VaultUnlock(admin, recovery);
    }

    /// <summary>
    /// Reads the secret and returns the vault key, proven by opening the sealed newsroom keys with it, and who
    /// unlocked (the admin's id; null for the recovery key). The caller clears the key.
    /// </summary>
    public async Task<(byte[] VaultKey, string? ActorId)> UnlockAsync(ParseResult parse, Terminal terminal, DataDirectory data, MetadataDatabase database, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(terminal);
        var username = parse.GetValue(Admin);
        byte[] vaultKey;
        string? actor = null;
        if (username is null)
        {
            var recoveryKey = VaultKey.ParseRecoveryKey(terminal.ReadSecret("the recovery key"));
            try
            {
                vaultKey = VaultKey.UnwrapWithRecovery(File.ReadAllBytes(data.RecoveryWrapFile), recoveryKey);
            }
            catch (CryptoException exception)
            {
                throw new CryptoException(CryptoFailure.WrongKeyOrAltered, "The recovery key does not open this instance's vault key: it is not this instance's recovery key, or its wrapped copy was altered. Nothing was changed.", exception);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(recoveryKey);
            }
        }
        else
        {
            var journalists = new JournalistStore(database, TimeProvider.System);
            var account = await journalists.FindByUsernameAsync(username, cancellationToken);
            var passphrase = terminal.ReadSecret($"the passphrase of {username}");
            if (account is null || !account.IsAdmin)
            {
                throw new CommandRefusedException($"There is no admin named '{username}'. List accounts with: sdnet journalist list --data {data.Root}");
            }

            if (account.Disabled || account.Locked)
            {
                throw new CommandRefusedException($"The account '{username}' is {(account.Disabled ? "disabled" : "locked")}. Unlock as another admin or with --recovery-key.");
            }

            vaultKey = JournalistCredentials.Unlock(passphrase, account.Secrets, account.Id)
                ?? await RefuseAsync(database, account.Id, username, cancellationToken);
            actor = account.Id;
        }

        try
        {
            // Opening every sealed key proves the vault key before anything is changed with it.
            new SealedNewsroomKeys(data).Unlock(vaultKey).Dispose();
        }
        catch
        {
            CryptographicOperations.ZeroMemory(vaultKey);
            throw;
        }

        return (vaultKey, actor);
    }

    private static async Task<byte[]> RefuseAsync(MetadataDatabase database, string accountId, string username, CancellationToken cancellationToken)
    {
        await new AuditLog(database, TimeProvider.System).RecordAsync(accountId, "failed sdnet unlock", cancellationToken: cancellationToken);
        throw new CryptoException(CryptoFailure.WrongPassphrase, $"The passphrase of '{username}' is wrong. Nothing was changed.");
    }
}

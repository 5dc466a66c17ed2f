using System.CommandLine;
using System.Text.RegularExpressions;
using SecureDrop.Net.Cli.Keys;
using SecureDrop.Net.Cli.Unlock;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Crypto;
using SecureDrop.Net.Custody.Journalists;

namespace SecureDrop.Net.Cli.Journalists;

/// <summary>
/// sdnet journalist: accounts from the operator's shell, the same operations as the console's admin page. Adding
/// an account and issuing a passphrase wrap the vault key, so they need an unlock; every change is audit-logged.
/// </summary>
internal static partial class JournalistCommand
{
    private const int PassphraseWords = 7;

    public static Command Create(Terminal terminal) => new("journalist", "Manage journalist accounts.")
    {
        Add(terminal),
        List(),
        Disable(),
        Simple("enable", "Enable a disabled account again.", "enable journalist", (store, id, ct) => store.SetDisabledAsync(id, false, ct)),
        Simple("unlock", "Unlock an account locked after too many failed sign-ins.", "unlock journalist", (store, id, ct) => store.UnlockAsync(id, ct)),
        Simple("reset-2fa", "Forget an account's authenticator; it enrols a new one at its next sign-in.", "reset authenticator", (store, id, ct) => store.ResetTotpAsync(id, ct)),
        ResetPassphrase(terminal),
        Tor.OnionAuthCommand.Create(),
    };

    /// <summary>Disables an account and revokes every device key it has for the console's onion service.</summary>
    private static Command Disable()
    {
        var data = Sdnet.DataOption();
        var name = UsernameArgument();
        var torDir = Tor.OnionAuthCommand.TorDirectoryOption();
        var pid = Tor.OnionAuthCommand.TorPidOption();
        var command = new Command("disable", "Disable an account: it can no longer sign in, and its devices' onion keys are revoked.") { data, name, torDir, pid };
        command.SetAction((parse, cancellationToken) => Sdnet.GuardAsync(parse, async output =>
        {
            var instance = await Instance.OpenAsync(parse.GetRequiredValue(data));
            var store = new JournalistStore(instance.Database, TimeProvider.System);
            var account = await FindAsync(store, instance, parse.GetRequiredValue(name), cancellationToken);
            await store.SetDisabledAsync(account.Id, true, cancellationToken);
            await KeysCommand.AuditAsync(instance, null, "disable journalist (sdnet)", account.Id, cancellationToken);
            await output.WriteLineAsync($"disable: done for '{account.Username}'.");
            var clients = Tor.OnionAuthCommand.Clients(instance.Data, parse.GetValue(torDir));
            if (Directory.Exists(clients.ClientsDirectory))
            {
                var revoked = await Tor.OnionAuthCommand.RevokeAllAsync(instance, account, clients, cancellationToken);
                if (revoked.Count > 0)
                {
                    await output.WriteLineAsync($"Revoked the console onion keys of {revoked.Count} device(s): {string.Join(", ", revoked)}.");
                    await Tor.OnionAuthCommand.ApplyAsync(output, parse.GetValue(pid), revoked: true);
                }
            }

            return Sdnet.Success;
        }));
        return command;
    }

    private static Command Add(Terminal terminal)
    {
        var data = Sdnet.DataOption();
        var name = UsernameArgument();
        var admin = new Option<bool>("--admin") { Description = "Make the account an admin." };
        var command = new Command("add", "Add a journalist with a generated passphrase, printed once.") { data, name, admin };
        var unlock = VaultUnlock.AddTo(command);
        command.SetAction((parse, cancellationToken) => Sdnet.GuardAsync(parse, output => KeysCommand.WithVaultKeyAsync(parse, data, unlock, terminal, async (instance, vaultKey, actor) =>
        {
            var username = parse.GetRequiredValue(name);
            var store = new JournalistStore(instance.Database, TimeProvider.System);
            if (await store.FindByUsernameAsync(username, cancellationToken) is not null)
            {
                throw new DataDirectoryException($"There is already an account named '{username}'. List accounts with: sdnet journalist list --data {instance.Data.Root}");
            }

            var id = Ids.New();
            var passphrase = Codename.Generate(PassphraseWords);
            await store.AddAsync(id, username, parse.GetValue(admin), JournalistCredentials.Create(passphrase, vaultKey, id), cancellationToken);
            await KeysCommand.AuditAsync(instance, actor, parse.GetValue(admin) ? "add admin" : "add journalist", id, cancellationToken);
            await output.WriteLineAsync(PassphraseNotice(username, passphrase));
            return Sdnet.Success;
        }, cancellationToken)));
        return command;
    }

    private static Command ResetPassphrase(Terminal terminal)
    {
        var data = Sdnet.DataOption();
        var name = UsernameArgument();
        var command = new Command("reset-passphrase", "Issue a new generated passphrase for an account, printed once; the old one stops working.") { data, name };
        var unlock = VaultUnlock.AddTo(command);
        command.SetAction((parse, cancellationToken) => Sdnet.GuardAsync(parse, output => KeysCommand.WithVaultKeyAsync(parse, data, unlock, terminal, async (instance, vaultKey, actor) =>
        {
            var store = new JournalistStore(instance.Database, TimeProvider.System);
            var account = await FindAsync(store, instance, parse.GetRequiredValue(name), cancellationToken);
            var passphrase = Codename.Generate(PassphraseWords);
            await store.ResetPassphraseAsync(account.Id, JournalistCredentials.Create(passphrase, vaultKey, account.Id), cancellationToken);
            await KeysCommand.AuditAsync(instance, actor, "reset passphrase", account.Id, cancellationToken);
            await output.WriteLineAsync(PassphraseNotice(account.Username, passphrase));
            return Sdnet.Success;
        }, cancellationToken)));
        return command;
    }

    private static Command List()
    {
        var data = Sdnet.DataOption();
        var command = new Command("list", "List journalist accounts and their state.") { data };
        command.SetAction((parse, cancellationToken) => Sdnet.GuardAsync(parse, async output =>
        {
            var instance = await Instance.OpenAsync(parse.GetRequiredValue(data));
            await output.WriteLineAsync("user name                         role        state     authenticator  created");
            foreach (var j in await new JournalistStore(instance.Database, TimeProvider.System).ListAsync(cancellationToken))
            {
                var state = j.Disabled ? "disabled" : j.Locked ? "locked" : "active";
                await output.WriteLineAsync($"{j.Username,-33} {(j.IsAdmin ? "admin" : "journalist"),-11} {state,-9} {(j.TotpEnrolled ? "enrolled" : "not yet"),-14} {j.CreatedDay}");
            }

            return Sdnet.Success;
        }));
        return command;
    }

    /// <summary>A change that needs no key: the operator's shell is the authority, and the audit log records it.</summary>
    private static Command Simple(string verb, string description, string auditAction, Func<JournalistStore, string, CancellationToken, Task> change)
    {
        var data = Sdnet.DataOption();
        var name = UsernameArgument();
        var command = new Command(verb, description) { data, name };
        command.SetAction((parse, cancellationToken) => Sdnet.GuardAsync(parse, async output =>
        {
            var instance = await Instance.OpenAsync(parse.GetRequiredValue(data));
            var store = new JournalistStore(instance.Database, TimeProvider.System);
            var account = await FindAsync(store, instance, parse.GetRequiredValue(name), cancellationToken);
            await change(store, account.Id, cancellationToken);
            await KeysCommand.AuditAsync(instance, null, auditAction + " (sdnet)", account.Id, cancellationToken);
            await output.WriteLineAsync($"{verb}: done for '{account.Username}'.");
            return Sdnet.Success;
        }));
        return command;
    }

    private static async Task<JournalistAccount> FindAsync(JournalistStore store, Instance instance, string username, CancellationToken cancellationToken) =>
        await store.FindByUsernameAsync(username, cancellationToken)
        ?? throw new DataDirectoryException($"There is no account named '{username}'. List accounts with: sdnet journalist list --data {instance.Data.Root}");

    private static Argument<string> UsernameArgument()
    {
        var name = new Argument<string>("USERNAME") { Description = "1 to 64 characters: lower-case letters, digits, dot, dash or underscore." };
        name.Validators.Add(result =>
        {
            if (!UsernamePattern().IsMatch(result.GetValueOrDefault<string>() ?? ""))
            {
                result.AddError("A user name is 1 to 64 characters: lower-case letters, digits, dot, dash or underscore.");
            }
        });
        return name;
    }

    private static string PassphraseNotice(string username, string passphrase) => $"""
        User name:   {username}
        Passphrase:  {passphrase}

        Give the passphrase to its owner in person; it is shown only this once and stored nowhere. They enrol an
        authenticator app at their first sign-in.
        """;

    [GeneratedRegex("^[a-z0-9._-]{1,64}$")]
    private static partial Regex UsernamePattern();
}

using System.CommandLine;
using SecureDrop.Net.Cli.Unlock;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Vault.Notifications;

namespace SecureDrop.Net.Cli.Secrets;

/// <summary>
/// sdnet secrets set-smtp-password / remove-smtp-password: the password the worker signs in to the SMTP relay
/// with, read from a prompt (typed twice, no echo) or one line of standard input, never from arguments, and stored
/// sealed in the data directory (<see cref="SmtpPasswordStore"/>). The worker uses a new one at its next send,
/// without a restart.
/// </summary>
internal static class SmtpPasswordCommands
{
    private const int MaxLength = 1024;

    public static Command Set(Terminal terminal)
    {
        var data = Sdnet.DataOption();
        var command = new Command("set-smtp-password",
            "Store the SMTP password (prompt, or one line of standard input) sealed in the data directory; it replaces Smtp:Password and the worker uses it at its next send.") { data };
        command.SetAction((parse, _) => Sdnet.GuardAsync(parse, async output =>
        {
            var store = new SmtpPasswordStore(DataDirectory.Open(parse.GetRequiredValue(data).FullName));
            var password = terminal.ReadSecret("the new SMTP password");
            if (password.Length == 0 || password.Length > MaxLength || password.Any(char.IsControl))
            {
                throw new IOException($"The SMTP password must be 1 to {MaxLength} characters without control characters; nothing was stored.");
            }

            if (terminal.Interactive && !string.Equals(password, terminal.ReadSecret("the same password again"), StringComparison.Ordinal))
            {
                throw new IOException("The two passwords differ; nothing was stored.");
            }

            var replaced = store.IsSet;
            store.Save(password);
            await output.WriteLineAsync(
                $"SMTP password {(replaced ? "replaced" : "stored")} in {store.SealedFile} (sealed under {store.KeyFile}). It takes precedence over Smtp:Password; the worker uses it at its next send, without a restart. Smtp:Username must still be set.");
            return Sdnet.Success;
        }));
        return command;
    }

    public static Command Remove()
    {
        var data = Sdnet.DataOption();
        var command = new Command("remove-smtp-password", "Delete the stored SMTP password; Smtp:Password from the environment applies again.") { data };
        command.SetAction((parse, _) => Sdnet.GuardAsync(parse, async output =>
        {
            var store = new SmtpPasswordStore(DataDirectory.Open(parse.GetRequiredValue(data).FullName));
            if (!store.Remove())
            {
                throw new DataDirectoryException("No SMTP password is stored in this data directory; nothing was removed.");
            }

            await output.WriteLineAsync("Stored SMTP password removed; the worker uses Smtp:Password from its environment (if any) at its next send.");
            return Sdnet.Success;
        }));
        return command;
    }
}

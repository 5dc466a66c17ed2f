using System.CommandLine;
using SecureDrop.Net.Cli.Unlock;
using SecureDrop.Net.Crypto;
using SecureDrop.Net.Custody.Keys;

namespace SecureDrop.Net.Cli.Keys;

/// <summary>
/// sdnet keys export-secret: one newsroom secret key, ASCII-armored and protected with a new passphrase (Argon2id,
/// 64 MiB, and AES-256-OCB), for the key ceremony's offline copy and the air-gapped reading station
/// (<c>sdnet decrypt --key</c>). Needs the vault key; written to the audit log.
/// </summary>
/// <remarks>
/// Threat: the exported file is a newsroom secret key. It never exists unprotected outside this process; the
/// passphrase is read twice (from the terminal, or two lines of standard input) and must be long, because the
/// file may be copied to media that outlive the instance. With --out the file is created new, owner-only.
/// </remarks>
internal static class ExportSecretCommand
{
    /// <summary>Shortest protecting passphrase: about five diceware words, as for backups.</summary>
    public const int MinimumPassphraseLength = BackupEncryption.MinimumPassphraseLength;

    public static Command Create(Terminal terminal)
    {
        var data = Sdnet.DataOption();
        var fingerprint = new Argument<string>("FINGERPRINT") { Description = "The full fingerprint of the key, as 'keys list' shows it (spaces optional)." };
        var output = new Option<FileInfo>("--out") { Description = "Write the armored key to this new file (owner-only) instead of standard output.", HelpName = "FILE" };
        var command = new Command("export-secret", "Export a newsroom secret key, armored and protected with a new passphrase (Argon2), for the key ceremony.") { data, fingerprint, output };
        var unlock = VaultUnlock.AddTo(command);
        command.SetAction((parse, cancellationToken) => Sdnet.GuardAsync(parse, stdout => KeysCommand.WithVaultKeyAsync(parse, data, unlock, terminal, async (instance, vaultKey, actor) =>
        {
            var keys = new SealedNewsroomKeys(instance.Data);
            var record = keys.Public.Find(parse.GetRequiredValue(fingerprint));
            using var unlocked = keys.Unlock(vaultKey);
            var key = unlocked.KeyFor(record.Fingerprint)
                ?? throw new Core.Data.DataDirectoryException($"The secret half of key {KeysCommand.Spaced(record.Fingerprint)} is not in this instance; nothing was exported.");
            string passphrase = terminal.ReadSecret("a passphrase to protect the exported key");
            if (passphrase.Trim().Length < MinimumPassphraseLength)
            {
                throw new CryptoException(CryptoFailure.WeakPassphrase, $"The passphrase must be at least {MinimumPassphraseLength} characters long (five random words or more); nothing was exported.");
            }

            if (terminal.ReadSecret("the same passphrase again") != passphrase)
            {
                throw new CommandRefusedException("The two passphrases differ; nothing was exported.");
            }

            string armored = key.ExportProtected(passphrase);
            if (parse.GetValue(output) is { } file)
            {
                using FileStream written = Backup.OwnerOnly.CreateFile(file.FullName);
                written.Write(System.Text.Encoding.ASCII.GetBytes(armored));
            }
            else
            {
                await stdout.WriteAsync(armored);
            }

            await KeysCommand.AuditAsync(instance, actor, "export newsroom secret key", record.Fingerprint, cancellationToken);
            await parse.InvocationConfiguration.Error.WriteLineAsync(
                $"Exported the secret key {key.PublicKey.DisplayFingerprint} ({KeyDescription.Of(key.PublicKey)}), protected with Argon2id and AES-256-OCB{(parse.GetValue(output) is { } f ? " to " + f.FullName : string.Empty)}. Read it with: sdnet decrypt --key FILE ITEM.gpg");
            return Sdnet.Success;
        }, cancellationToken)));
        return command;
    }
}

using System.CommandLine;
using SecureDrop.Net.Core;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Crypto;

namespace SecureDrop.Net.Cli.Backup;

/// <summary>
/// sdnet backup create | verify | restore. A backup is one OpenPGP message (gpg decrypts it) holding a tar archive
/// of the data directory with consistent database snapshots and a SHA-256 manifest; see <see cref="BackupArchive"/>.
/// </summary>
internal static class BackupCommand
{
    public static Command Create() => new("backup", "Back up an instance, check a backup, or restore one into an empty directory.")
    {
        CreateCommand(), VerifyCommand(), RestoreCommand(),
    };

    private static Option<bool> PassphraseStdin() => new("--passphrase-stdin")
    {
        Description = "Read the passphrase (the backup's, or with --key that key's) from the first line of standard input instead of a prompt.",
    };

    private static Option<FileInfo> InOption() => new("--in") { Description = "The backup file.", Required = true };

    private static Option<FileInfo> KeyOption() => new("--key")
    {
        Description = "For a backup made with --to: the operator's OpenPGP secret key (gpg --export-secret-keys --armor).",
    };

    private static Command CreateCommand()
    {
        var data = Sdnet.DataOption();
        var output = new Option<FileInfo>("--out") { Description = "The backup file to write (must not exist).", Required = true };
        var to = new Option<FileInfo>("--to") { Description = "Encrypt to this operator OpenPGP public key instead of a passphrase." };
        var stdin = PassphraseStdin();
        var command = new Command("create", "Back up the running instance into one encrypted file (gpg-decryptable).") { data, output, to, stdin };
        command.SetAction((parse, cancellationToken) => Sdnet.GuardAsync(parse, async stdout =>
        {
            var error = parse.InvocationConfiguration.Error;
            var directory = DataDirectory.Open(parse.GetRequiredValue(data).FullName);
            var database = new MetadataDatabase(directory, CoreServices.DatabaseOptionsFrom(CoreServices.EnvironmentConfiguration()));
            database.CheckProvider();
            var target = parse.GetRequiredValue(output).FullName;
            if (File.Exists(target) || Directory.Exists(target))
            {
                throw new IOException($"'{target}' already exists. Choose a new file name; nothing was written.");
            }

            var recipientFile = parse.GetValue(to);
            var recipient = recipientFile is null ? null : NewsroomPublicKey.Parse(File.ReadAllBytes(recipientFile.FullName));
            var passphrase = recipient is null
                ? SecretInput.Read(parse.GetValue(stdin), "Backup passphrase: ", confirm: true, error)
                : null;

            var partial = target + ".partial";
            try
            {
                (int Files, long Bytes) written;
                await using (var file = OwnerOnly.CreateFile(partial))
                {
                    using (var encrypted = recipient is null ? BackupEncryption.Open(file, passphrase) : BackupEncryption.Open(file, recipient))
                    {
                        written = await new BackupCreator(database, new BackupProgress(error, "backup")).WriteAsync(encrypted, TimeProvider.System.GetUtcNow(), cancellationToken);
                    }

                    file.Flush(flushToDisk: true);
                }

                File.Move(partial, target);
                await stdout.WriteLineAsync($"Backed up {written.Files} file(s), {written.Bytes} bytes, to {target}"
                    + (recipient is null ? " (passphrase)." : $" (encrypted to {recipient.DisplayFingerprint})."));
                await stdout.WriteLineAsync(recipient is null
                    ? $"Check it with: sdnet backup verify --in {Quoted(target)}"
                    : $"Check it with: sdnet backup verify --in {Quoted(target)} --key SECRET.asc{Environment.NewLine}"
                        + $"  (SECRET.asc: the secret key of {recipient.DisplayFingerprint}, e.g. from gpg --export-secret-keys --armor {recipient.Fingerprint} > SECRET.asc)");
                return Sdnet.Success;
            }
            finally
            {
                File.Delete(partial);
            }
        }));
        return command;
    }

    /// <summary>A path as a POSIX shell reads it back: in single quotes when it holds anything but safe characters.</summary>
    internal static string Quoted(string path) =>
        path.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '-' or '_' or '+' or ',' or ':' or '@')
            ? path
            : "'" + path.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static Command VerifyCommand()
    {
        var input = InOption();
        var key = KeyOption();
        var stdin = PassphraseStdin();
        var command = new Command("verify", "Decrypt a backup and check every file's SHA-256, the integrity code and the database, without restoring.") { input, key, stdin };
        command.SetAction((parse, cancellationToken) => Sdnet.GuardAsync(parse, async stdout =>
        {
            var error = parse.InvocationConfiguration.Error;
            using var decryption = BackupRestorer.Open(parse.GetRequiredValue(input), parse.GetValue(key), parse.GetValue(stdin), error);
            var report = await BackupRestorer.VerifyAsync(decryption, new BackupProgress(error, "verify"), cancellationToken);
            await stdout.WriteLineAsync(report);
            return Sdnet.Success;
        }));
        return command;
    }

    private static Command RestoreCommand()
    {
        var input = InOption();
        var key = KeyOption();
        var stdin = PassphraseStdin();
        var data = new Option<DirectoryInfo>("--data") { Description = "An empty or new directory to restore into.", Required = true };
        var command = new Command("restore", "Restore a backup into an empty data directory (and, for PostgreSQL, the empty database in Database__PostgreSql).")
        {
            input, key, stdin, data,
        };
        command.SetAction((parse, cancellationToken) => Sdnet.GuardAsync(parse, async stdout =>
        {
            var error = parse.InvocationConfiguration.Error;
            var target = Path.GetFullPath(parse.GetRequiredValue(data).FullName);
            BackupRestorer.CheckTarget(target);
            using var decryption = BackupRestorer.Open(parse.GetRequiredValue(input), parse.GetValue(key), parse.GetValue(stdin), error);
            var report = await BackupRestorer.RestoreAsync(decryption, target, CoreServices.DatabaseOptionsFrom(CoreServices.EnvironmentConfiguration()), new BackupProgress(error, "restore"), cancellationToken);
            await stdout.WriteLineAsync(report);
            return Sdnet.Success;
        }));
        return command;
    }
}

using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using SecureDrop.Net.Cli.Unlock;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Keys;
using SecureDrop.Net.Core.Replies;
using SecureDrop.Net.Core.Submissions;
using SecureDrop.Net.Crypto;
using SecureDrop.Net.Custody.Keys;
using SecureDrop.Net.Vault.Audit;

namespace SecureDrop.Net.Cli.Keys;

/// <summary>
/// sdnet keys: the newsroom keys. Listing and exporting need nothing; adding, rotating, re-wrapping and destroying
/// need the vault key (an admin's passphrase or the recovery key) and are written to the audit log.
/// </summary>
internal static class KeysCommand
{
    public static Command Create(Terminal terminal) => new("keys", "Manage the newsroom keys: list, add, rotate, re-wrap stored items, destroy, export a secret key.")
    {
        ExportPublic(),
        List(),
        Generate(terminal),
        Import(terminal),
        Rotate(terminal),
        RewrapCommand.Create(terminal),
        Destroy(terminal),
        ExportSecretCommand.Create(terminal),
    };

    private static Command ExportPublic()
    {
        var data = Sdnet.DataOption();
        var command = new Command("export-public", "Print the active newsroom public key, ASCII-armored.") { data };
        command.SetAction((parse, _) => Sdnet.GuardAsync(parse, async output =>
        {
            var directory = DataDirectory.Open(parse.GetRequiredValue(data).FullName);
            await output.WriteAsync(new NewsroomKeys(directory).LoadActivePublicKey().ToArmored());
            return Sdnet.Success;
        }));
        return command;
    }

    private static Command List()
    {
        var data = Sdnet.DataOption();
        var command = new Command("list", "List the newsroom keys: fingerprint, state, creation date, and how many items, metadata headers and replies each opens.") { data };
        command.SetAction((parse, cancellationToken) => Sdnet.GuardAsync(parse, async output =>
        {
            var instance = await Instance.OpenAsync(parse.GetRequiredValue(data));
            var keys = new NewsroomKeys(instance.Data);
            var usage = await UsageAsync(instance, keys, cancellationToken);
            await output.WriteLineAsync("fingerprint                                       state    created     items  headers  replies");
            foreach (var record in keys.Records())
            {
                var created = record.CreatedAt == DateTimeOffset.MinValue ? "?" : CoarseTime.Day(record.CreatedAt);
                var count = usage.For(record.Fingerprint);
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{Spaced(record.Fingerprint),-49} {record.State.ToString().ToLowerInvariant(),-8} {created,-11} {count.Items,-6} {count.Headers,-8} {count.Replies}"));
            }

            return Sdnet.Success;
        }));
        return command;
    }

    private static Command Generate(Terminal terminal)
    {
        var data = Sdnet.DataOption();
        var newsroom = NewsroomOption();
        var command = new Command("generate", "Generate a new newsroom key (post-quantum unless --classic-key) and keep it on standby (not used until 'keys rotate --to').") { data, newsroom };
        var algorithm = KeyAlgorithmOptions.AddTo(command);
        var unlock = VaultUnlock.AddTo(command);
        command.SetAction((parse, cancellationToken) => Sdnet.GuardAsync(parse, output => WithVaultKeyAsync(parse, data, unlock, terminal, async (instance, vaultKey, actor) =>
        {
            using var key = NewsroomSecretKey.Generate(parse.GetValue(newsroom)!, TimeProvider.System.GetUtcNow(), algorithm.From(parse));
            new SealedNewsroomKeys(instance.Data).Add(key, vaultKey, activate: false, CoarseTime.Today(TimeProvider.System));
            await AuditAsync(instance, actor, "add newsroom key", key.Fingerprint, cancellationToken);
            await output.WriteLineAsync($"Added newsroom key {key.PublicKey.DisplayFingerprint} on standby. Make it active with: sdnet keys rotate --data {instance.Data.Root} --to {key.Fingerprint}");
            return Sdnet.Success;
        }, cancellationToken)));
        return command;
    }

    private static Command Import(Terminal terminal)
    {
        var data = Sdnet.DataOption();
        var file = new Argument<FileInfo>("FILE") { Description = "The secret key, from 'gpg --export-secret-keys --armor FINGERPRINT'. Its passphrase, if any, is asked for." };
        var command = new Command("import", "Import a newsroom secret key made elsewhere (an air-gapped machine) and keep it on standby.") { data, file };
        var unlock = VaultUnlock.AddTo(command);
        command.SetAction((parse, cancellationToken) => Sdnet.GuardAsync(parse, output => WithVaultKeyAsync(parse, data, unlock, terminal, async (instance, vaultKey, actor) =>
        {
            using var key = ImportKey(parse.GetRequiredValue(file), terminal);
            new SealedNewsroomKeys(instance.Data).Add(key, vaultKey, activate: false, CoarseTime.Today(TimeProvider.System));
            await AuditAsync(instance, actor, "add newsroom key", key.Fingerprint, cancellationToken);
            await output.WriteLineAsync($"Imported newsroom key {key.PublicKey.DisplayFingerprint} on standby. Make it active with: sdnet keys rotate --data {instance.Data.Root} --to {key.Fingerprint}");
            return Sdnet.Success;
        }, cancellationToken)));
        return command;
    }

    private static Command Rotate(Terminal terminal)
    {
        var data = Sdnet.DataOption();
        var import = new Option<FileInfo>("--import") { Description = "Make this secret key (from gpg --export-secret-keys) the active key instead of generating one.", HelpName = "FILE" };
        var to = new Option<string>("--to") { Description = "Make this standby key (from 'keys generate' or 'keys import') the active key.", HelpName = "FINGERPRINT" };
        var newsroom = NewsroomOption();
        var command = new Command("rotate", "Make a new newsroom key active (generated post-quantum unless --classic-key, imported, or on standby); the active key is retired and still decrypts old items.")
        {
            data, import, to, newsroom,
        };
        var algorithm = KeyAlgorithmOptions.AddTo(command);
        command.Validators.Add(result =>
        {
            if (result.GetValue(import) is not null && result.GetValue(to) is not null)
            {
                result.AddError("Give --import FILE or --to FINGERPRINT, not both.");
            }
        });
        var unlock = VaultUnlock.AddTo(command);
        command.SetAction((parse, cancellationToken) => Sdnet.GuardAsync(parse, output => WithVaultKeyAsync(parse, data, unlock, terminal, async (instance, vaultKey, actor) =>
        {
            var keys = new SealedNewsroomKeys(instance.Data);
            var previous = keys.Public.LoadActivePublicKey();
            string fingerprint;
            if (parse.GetValue(to) is { } standby)
            {
                fingerprint = keys.Public.Find(standby).Fingerprint;
                keys.Activate(fingerprint);
            }
            else
            {
                using var key = parse.GetValue(import) is { } file
                    ? ImportKey(file, terminal)
                    : NewsroomSecretKey.Generate(parse.GetValue(newsroom)!, TimeProvider.System.GetUtcNow(), algorithm.From(parse));
                keys.Add(key, vaultKey, activate: true, CoarseTime.Today(TimeProvider.System));
                fingerprint = key.Fingerprint;
            }

            await AuditAsync(instance, actor, "rotate newsroom key", fingerprint, cancellationToken);
            await output.WriteLineAsync($"""
                The active newsroom key is now {Spaced(fingerprint)}.
                Retired: {previous.DisplayFingerprint} (it still decrypts the items sent to it).
                The front end encrypts to the new key within seconds; no restart is needed.
                Journalists signed in now keep reading old items; new items open once the console has the new key (at their next page).
                Re-wrap stored items to the new key with: sdnet keys rewrap --data {instance.Data.Root} --as ADMIN
                """);
            return Sdnet.Success;
        }, cancellationToken)));
        return command;
    }

    private static Command Destroy(Terminal terminal)
    {
        var data = Sdnet.DataOption();
        var fingerprint = new Argument<string>("FINGERPRINT") { Description = "The full fingerprint of a retired or standby key, as 'keys list' shows it (spaces optional)." };
        var command = new Command("destroy", "Erase a retired newsroom key for good; refused while any stored item, metadata header or reply still needs it.") { data, fingerprint };
        var unlock = VaultUnlock.AddTo(command);
        command.SetAction((parse, cancellationToken) => Sdnet.GuardAsync(parse, output => WithVaultKeyAsync(parse, data, unlock, terminal, async (instance, vaultKey, actor) =>
        {
            var keys = new SealedNewsroomKeys(instance.Data);
            var record = keys.Public.Find(parse.GetRequiredValue(fingerprint));
            if (record.State == NewsroomKeyState.Active)
            {
                throw new DataDirectoryException($"{Spaced(record.Fingerprint)} is the active key; it cannot be destroyed. Rotate to a new key first: sdnet keys rotate --data {instance.Data.Root}");
            }

            var (needing, detail) = await ItemsNeedingAsync(instance, keys, vaultKey, record.Fingerprint, cancellationToken);
            if (needing > 0)
            {
                throw new DataDirectoryException(
                    $"Stored data still needs key {Spaced(record.Fingerprint)}: {detail}; nothing was destroyed. Re-wrap them to the active key first: sdnet keys rewrap --data {instance.Data.Root}");
            }

            keys.Destroy(record.Fingerprint);
            await AuditAsync(instance, actor, "destroy newsroom key", record.Fingerprint, cancellationToken);
            await output.WriteLineAsync($"Destroyed newsroom key {Spaced(record.Fingerprint)}: its sealed secret file was overwritten and removed. Copies in backups made before now still hold it.");
            return Sdnet.Success;
        }, cancellationToken)));
        return command;
    }

    /// <summary>
    /// Items, metadata headers and replies that still need a key, by the metadata and by the files and headers
    /// themselves: a re-wrap interrupted between its rename and its row update, or a row out of step with its file,
    /// must not let the key go.
    /// </summary>
    private static async Task<(long Needing, KeyUsageCount Detail)> ItemsNeedingAsync(Instance instance, SealedNewsroomKeys keys, byte[] vaultKey, string fingerprint, CancellationToken cancellationToken)
    {
        var itemKeys = new ItemKeyStore(instance.Database);
        var byRows = (await UsageAsync(instance, keys.Public, cancellationToken)).For(fingerprint);
        using var unlocked = keys.Unlock(vaultKey);
        var key = unlocked.KeyFor(fingerprint);
        if (key is null)
        {
            return (byRows.Total, byRows);
        }

        var keyId = key.PublicKey.EncryptionKeyId;
        var files = new ItemFiles(instance.Data);
        var byFiles = files.VaultItemIds().Concat(files.IntakeEntries().Where(e => !e.Partial).Select(e => e.ItemId)).Count(id =>
        {
            using var stream = File.Exists(files.VaultPath(id)) ? files.OpenVaultItem(id) : files.OpenIntakeItem(id);
            return MessageDecryptor.ReadRecipientKeyIds(stream).Contains(keyId);
        });
        var byHeaders = (await itemKeys.MetadataHeadersAsync(cancellationToken)).Count(header => KeyUsage.RecipientsOf(header.Metadata).Contains(keyId));
        var detail = new KeyUsageCount(Math.Max(byRows.Items, byFiles - byRows.Replies), Math.Max(byRows.Headers, byHeaders), byRows.Replies);
        return (detail.Total, detail);
    }

    private static Task<KeyUsage> UsageAsync(Instance instance, NewsroomKeys keys, CancellationToken cancellationToken) =>
        KeyUsage.ReadAsync(keys, new ItemKeyStore(instance.Database), new ReplyStore(instance.Database, TimeProvider.System), cancellationToken);

    internal static async Task<int> WithVaultKeyAsync(ParseResult parse, Option<DirectoryInfo> data, VaultUnlock unlock, Terminal terminal, Func<Instance, byte[], string?, Task<int>> body, CancellationToken cancellationToken)
    {
        var instance = await Instance.OpenAsync(parse.GetRequiredValue(data));
        var (vaultKey, actor) = await unlock.UnlockAsync(parse, terminal, instance.Data, instance.Database, cancellationToken);
        try
        {
            return await body(instance, vaultKey, actor);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(vaultKey);
        }
    }

    internal static Task AuditAsync(Instance instance, string? actor, string action, string subject, CancellationToken cancellationToken) =>
        new AuditLog(instance.Database, TimeProvider.System).RecordAsync(actor, action, subject, cancellationToken);

    // Asked for only when the key turns out to be protected, as the next secret after the unlock.
    private static NewsroomSecretKey ImportKey(FileInfo file, Terminal terminal) =>
        SecretKeyFile.Import(file, NewsroomSecretKey.Import, () => terminal.ReadSecret("the passphrase of the key being imported"));

    private static Option<string> NewsroomOption() => new("--newsroom")
    {
        Description = "The newsroom name in a generated key's user id.",
        DefaultValueFactory = _ => "SecureDrop.Net newsroom",
    };

    internal static string Spaced(string fingerprint) => string.Join(' ', fingerprint.Chunk(4).Select(c => new string(c)));
}

using System.CommandLine;
using System.Globalization;
using System.Text;
using SecureDrop.Net.Core;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Submissions;
using SecureDrop.Net.Vault.Sources;
using SecureDrop.Net.Vault.Submissions;

namespace SecureDrop.Net.Cli.Export;

/// <summary>
/// sdnet export: copies every stored item's exact ciphertext out as a .gpg file, with an index, for decryption on
/// an air-gapped machine with stock GnuPG. Nothing is decrypted here.
/// </summary>
internal static class ExportCommand
{
    public const string IndexFileName = "index.tsv";

    public static Command Create()
    {
        var data = Sdnet.DataOption();
        var outDirectory = new Option<DirectoryInfo>("--out") { Description = "An empty or new directory to write to.", Required = true };
        var command = new Command("export", "Write every stored item as a .gpg file plus index.tsv, for an air-gapped machine.") { data, outDirectory };
        command.SetAction((parse, cancellationToken) => Sdnet.GuardAsync(parse, async output =>
        {
            var directory = DataDirectory.Open(parse.GetRequiredValue(data).FullName);
            var target = parse.GetRequiredValue(outDirectory).FullName;
            if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            {
                throw new IOException($"'{target}' is not empty. Export into a new or empty directory.");
            }

            // Settings and database first: a refusal there leaves nothing behind.
            var database = new MetadataDatabase(directory, CoreServices.DatabaseOptionsFrom(CoreServices.EnvironmentConfiguration()));
            await database.CheckSchemaAsync();
            var items = await new ItemStore(database).AllReadyItemsAsync(cancellationToken);
            bool created = !Directory.Exists(target);
            CreateOwnerOnly(target);
            try
            {
                await WriteAsync(database, new ItemFiles(directory), items, target, cancellationToken);
            }
            catch
            {
                RemovePartial(target, created);
                throw;
            }

            await output.WriteLineAsync($"Exported {items.Count} item(s) to {target}. Decrypt each with: gpg --decrypt ITEM.gpg");
            return Sdnet.Success;
        }));
        return command;
    }

    private static async Task WriteAsync(MetadataDatabase database, ItemFiles files, IReadOnlyList<StoredItem> items, string target, CancellationToken cancellationToken)
    {
        var sources = new SourceRecords(database);
        var designations = new Dictionary<string, string>(StringComparer.Ordinal);
        var index = new StringBuilder("item\tsource\tsubmission\tkind\treceived\tciphertext_bytes\tnewsroom_key\n");
        foreach (var item in items)
        {
            if (!designations.TryGetValue(item.SourceId, out var designation))
            {
                designation = (await sources.GetAsync(item.SourceId, cancellationToken))?.Designation ?? item.SourceId;
                designations[item.SourceId] = designation;
            }

            File.Copy(files.VaultPath(item.Id), Path.Combine(target, item.Id + ".gpg"));
            index.Append(CultureInfo.InvariantCulture, $"{item.Id}\t{designation}\t{item.SubmissionId}\t{item.Kind}\t{item.ReceivedDay}\t{item.CiphertextBytes}\t{item.NewsroomKey}\n");
        }

        await File.WriteAllTextAsync(Path.Combine(target, IndexFileName), index.ToString(), cancellationToken);
    }

    /// <summary>
    /// Nothing partial stays behind: a directory the command created goes; one that was empty before is emptied
    /// again (everything in it is the command's).
    /// </summary>
    private static void RemovePartial(string target, bool created)
    {
        if (created)
        {
            Directory.Delete(target, recursive: true);
            return;
        }

        foreach (var entry in Directory.EnumerateFiles(target))
        {
            File.Delete(entry);
        }
    }

    private static void CreateOwnerOnly(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}

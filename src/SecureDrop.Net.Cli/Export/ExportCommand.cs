using System.CommandLine;
using System.Globalization;
using System.Text;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Sources;
using SecureDrop.Net.Core.Submissions;
using SecureDrop.Net.Core;
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

            CreateOwnerOnly(target);
            var database = new MetadataDatabase(directory, CoreServices.DatabaseOptionsFrom(CoreServices.EnvironmentConfiguration()));
            await database.CheckSchemaAsync();
            var sources = new SourceRecords(database);
            var items = await new ItemStore(database).AllReadyItemsAsync(cancellationToken);
            var files = new ItemFiles(directory);
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
            await output.WriteLineAsync($"Exported {items.Count} item(s) to {target}. Decrypt each with: gpg --decrypt ITEM.gpg");
            return Sdnet.Success;
        }));
        return command;
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

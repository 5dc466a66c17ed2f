using System.CommandLine;
using Npgsql;
using SecureDrop.Net.Cli.Unlock;

namespace SecureDrop.Net.Cli.Tests;

/// <summary>
/// What every sdnet command owes an operator, checked over the whole command tree rather than command by command:
/// --help, a description for the command and each option, and a one-line refusal naming the problem and the fix
/// when a key file is damaged or the database cannot be reached.
/// </summary>
public sealed class CommandChecklistTests
{
    [Fact]
    public async Task EveryCommand_AnswersHelp_WithItsDescriptionAndDescribedOptions()
    {
        var root = Sdnet.Root(new Terminal(TextReader.Null, TextWriter.Null, interactive: false, outputIsTerminal: false));
        var commands = Walk(root, []).ToList();
        Assert.True(commands.Count >= 30, $"found only {commands.Count} commands");
        foreach (var (path, command) in commands)
        {
            Assert.False(string.IsNullOrWhiteSpace(command.Description), $"sdnet {string.Join(' ', path)} has no description");
            foreach (var option in command.Options.Where(o => o.Name is not "--help" and not "-h" and not "--version"))
            {
                Assert.False(string.IsNullOrWhiteSpace(option.Description), $"sdnet {string.Join(' ', path)} {option.Name} has no description");
            }

            var (code, output, error) = await RunAsync(null, [.. path, "--help"]);
            Assert.True(code == 0, $"sdnet {string.Join(' ', path)} --help exited {code}: {error}");
            Assert.Contains("Usage:", output, StringComparison.Ordinal);
            // Help wraps long descriptions: their first words are on one line.
            Assert.Contains(string.Join(' ', command.Description!.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(3)), output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("keys", "rotate")]
    [InlineData("keys", "rewrap")]
    [InlineData("journalist", "reset-passphrase", "admin")]
    public async Task DamagedSealedNewsroomKey_IsRefusedNamingTheFileAndTheFix_AndChangesNothing(params string[] command)
    {
        using var instance = await TestInstance.CreateAsync();
        var sealedKey = Assert.Single(Directory.GetFiles(instance.Data.KeysDirectory, "newsroom-*.secret"));
        var bytes = await File.ReadAllBytesAsync(sealedKey);
        bytes[^5] ^= 0x01;
        await File.WriteAllBytesAsync(sealedKey, bytes);
        var before = KeyFiles(instance);

        var (code, output, error) = await AsAdminAsync(instance, command);

        Assert.True(code == 1, output + error);
        Assert.Contains(sealedKey, error, StringComparison.Ordinal);
        Assert.Contains("Restore it from a backup", error, StringComparison.Ordinal);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(before, KeyFiles(instance));
    }

    [Fact]
    public async Task UnreachableDatabase_IsRefusedWithOneLineNamingTheSetting()
    {
        using var instance = await TestInstance.CreateAsync(Store.PostgreSql);
        var unreachable = new NpgsqlConnectionStringBuilder(instance.Environment["Database__PostgreSql"])
        {
            Port = Ports.FreeLoopbackPort(),
            Timeout = 3,
        }.ToString();

        var (code, output) = await SdnetProcess.RunAsync(
            ["journalist", "list", "--data", instance.Data.Root], new Dictionary<string, string> { ["Database__PostgreSql"] = unreachable });

        Assert.True(code == 1, output);
        Assert.Contains("sdnet: the database could not be used:", output, StringComparison.Ordinal);
        Assert.Contains("Database__PostgreSql", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    private static IEnumerable<(string[] Path, Command Command)> Walk(Command command, string[] path)
    {
        foreach (var child in command.Subcommands)
        {
            string[] childPath = [.. path, child.Name];
            yield return (childPath, child);
            foreach (var descendant in Walk(child, childPath))
            {
                yield return descendant;
            }
        }
    }
}

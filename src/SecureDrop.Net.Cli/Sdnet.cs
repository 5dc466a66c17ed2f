using System.CommandLine;
using Microsoft.Extensions.Options;
using SecureDrop.Net.Cli.Backup;
using SecureDrop.Net.Cli.Check;
using SecureDrop.Net.Cli.Decrypt;
using SecureDrop.Net.Cli.Examine;
using SecureDrop.Net.Cli.Export;
using SecureDrop.Net.Cli.Init;
using SecureDrop.Net.Cli.Journalists;
using SecureDrop.Net.Cli.Keys;
using SecureDrop.Net.Cli.Migrate;
using SecureDrop.Net.Cli.Purge;
using SecureDrop.Net.Cli.Run;
using SecureDrop.Net.Cli.Secrets;
using SecureDrop.Net.Cli.Unlock;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Crypto;

namespace SecureDrop.Net.Cli;

/// <summary>
/// sdnet, the operator tool. Exit codes: 0 success, 1 a refused operation, 2 bad usage. Every refusal prints one
/// line on stderr naming the problem and the fix. Secrets are never taken from arguments.
/// </summary>
internal static class Sdnet
{
    public const int Success = 0;
    public const int Refused = 1;
    public const int BadUsage = 2;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, Terminal? terminal = null)
    {
        // 'sdnet serve ROLE' parses against a root holding only serve: building every command would load the
        // secret side (journalist and key commands name Custody's types), and a front end or worker must never map
        // that code (Proof tests' Zones/LoadedAssembliesTests reads each role's mapped assemblies).
        var root = args.Length > 0 && args[0] == "serve" ? ServeRoot() : Root(terminal ?? Terminal.Console());
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var parseError in parse.Errors)
            {
                await error.WriteLineAsync("sdnet: " + parseError.Message);
            }

            await error.WriteLineAsync("Run 'sdnet --help' for usage.");
            return BadUsage;
        }

        // Commands handle SIGINT/SIGTERM themselves (run stops its children cleanly), so no forced exit timer.
        return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null });
    }

    /// <summary>Every command sdnet has.</summary>
    public static RootCommand Root(Terminal terminal) => new("sdnet: install, run and look after a SecureDrop.Net instance.")
    {
        InitCommand.Create(),
        RunCommand.Create(),
        ServeCommand.Create(),
        ExportCommand.Create(),
        MigrateCommand.Create(),
        KeysCommand.Create(terminal),
        DecryptCommand.Create(terminal),
        JournalistCommand.Create(terminal),
        SecretsCommand.Create(terminal),
        BackupCommand.Create(),
        CheckCommand.Create(),
        ExamineCommand.Create(),
        PurgeCommand.Create(),
        Tor.TorCommand.Create(),
    };

    /// <summary>The root 'sdnet serve' runs under: serve alone, so that a role loads only its own zones.</summary>
    private static RootCommand ServeRoot() => new("sdnet: install, run and look after a SecureDrop.Net instance.")
    {
        ServeCommand.Create(),
    };

    public static Option<DirectoryInfo> DataOption() => new("--data")
    {
        Description = "The instance's data directory.",
        Required = true,
    };

    /// <summary>Runs a command body, turning the expected failures into one stderr line and exit code 1.</summary>
    public static async Task<int> GuardAsync(ParseResult parse, Func<TextWriter, Task<int>> body)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(body);
        var error = parse.InvocationConfiguration.Error;
        try
        {
            return await body(parse.InvocationConfiguration.Output);
        }
        catch (Exception exception) when (exception is DataDirectoryException or CryptoException or CommandRefusedException or IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync("sdnet: " + exception.Message);
            return Refused;
        }
        catch (System.Data.Common.DbException exception)
        {
            await error.WriteLineAsync($"sdnet: the database could not be used: {exception.Message} Check that it is running and that Database__PostgreSql (if set) names it; nothing was changed by this command.");
            return Refused;
        }
        catch (OptionsValidationException exception)
        {
            foreach (var failure in exception.Failures)
            {
                await error.WriteLineAsync("sdnet: bad setting: " + failure);
            }

            return Refused;
        }
    }
}

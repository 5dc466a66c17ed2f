using System.CommandLine;

namespace SecureDrop.Net.Cli.Check;

/// <summary>sdnet check: a self-audit of an instance, one verdict per line; exit 1 when anything is WEAK or FAIL.</summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var data = Sdnet.DataOption();
        var settings = new Option<FileInfo[]>("--settings")
        {
            Description = "An ops settings file the systemd units load (KEY=VALUE lines, e.g. /etc/securedrop-net/sdnet.env), on top of the environment; repeat for several, later ones win.",
        };
        var frontEndUser = new Option<string>("--frontend-user") { Description = "The user the front end runs as (default: the settings' Ops__FrontEndUser)." };
        var reviewerUrl = new Option<string>("--reviewer-url") { Description = "Where the console listens (default: the settings' Ops__ReviewerUrl)." };
        var torDir = Tor.OnionAuthCommand.TorDirectoryOption();
        var command = new Command("check", "Audit an instance's hardening: permissions, key access, addresses, keys, TLS/onion, retention, schema.")
        {
            data, settings, frontEndUser, reviewerUrl, torDir,
        };
        command.SetAction((parse, _) => Sdnet.GuardAsync(parse, async output =>
        {
            var root = Path.GetFullPath(parse.GetRequiredValue(data).FullName);
            if (!Directory.Exists(root))
            {
                throw new IOException($"The data directory '{root}' does not exist.");
            }

            var configuration = CheckSettings.Load(parse.GetValue(settings));
            if (parse.GetValue(frontEndUser) is { } user)
            {
                configuration["Ops:FrontEndUser"] = user;
            }

            if (parse.GetValue(reviewerUrl) is { } url)
            {
                configuration["Ops:ReviewerUrl"] = url;
            }

            var console = await InstanceChecks.ReadConsoleSettingsAsync(root, configuration);
            var results = new InstanceChecks(root, configuration, console).Run().ToList();
            results.Add(Tor.OnionChecks.CircuitLines(configuration, console));
            results.Add(Tor.OnionChecks.ConsoleAuthorisation(
                Tor.OnionAuthCommand.Clients(Core.Data.DataDirectory.ForAudit(root), parse.GetValue(torDir)),
                await JournalistsAsync(root, configuration)));
            foreach (var result in results)
            {
                var verdict = result.Verdict switch
                {
                    Verdict.Ok => "ok  ",
                    Verdict.Weak => "WEAK",
                    _ => "FAIL",
                };
                await output.WriteLineAsync($"{verdict}  {result.Name}: {result.Detail}");
            }

            var weak = results.Count(result => result.Verdict != Verdict.Ok);
            await output.WriteLineAsync(weak == 0 ? "All checks passed." : $"{weak} of {results.Count} checks found a weakness.");
            return weak == 0 ? Sdnet.Success : Sdnet.Refused;
        }));
        return command;
    }

    /// <summary>Each journalist's user name and whether the account is disabled; null when the database cannot be read.</summary>
    private static async Task<IReadOnlyDictionary<string, bool>?> JournalistsAsync(string root, Microsoft.Extensions.Configuration.IConfiguration settings)
    {
        try
        {
            var database = new Core.Data.MetadataDatabase(Core.Data.DataDirectory.Open(root), Core.CoreServices.DatabaseOptionsFrom(settings));
            database.CheckProvider();
            var journalists = await new Custody.Journalists.JournalistStore(database, TimeProvider.System).ListAsync();
            return journalists.ToDictionary(j => j.Username, j => j.Disabled, StringComparer.Ordinal);
        }
        catch (Exception exception) when (exception is Core.Data.DataDirectoryException or IOException or System.Data.Common.DbException or InvalidOperationException)
        {
            return null;
        }
    }
}

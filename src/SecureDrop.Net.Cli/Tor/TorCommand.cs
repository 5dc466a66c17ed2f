using System.CommandLine;
using SecureDrop.Net.Cli.Run;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Data.Layout;

namespace SecureDrop.Net.Cli.Tor;

/// <summary>sdnet tor torrc: this instance's torrc (<see cref="TorrcWriter"/>).</summary>
internal static class TorCommand
{
    public static Command Create() => new("tor", "Tor configuration for this instance.")
    {
        Torrc(),
    };

    private static Command Torrc()
    {
        var data = Sdnet.DataOption();
        var torDir = new Option<string>("--tor-dir")
        {
            Description = $"Where tor keeps its onion services' directories (default {TorrcWriter.DefaultTorDirectory}).",
            HelpName = "DIR",
            DefaultValueFactory = _ => TorrcWriter.DefaultTorDirectory,
        };
        var frontEnd = new Option<string[]>("--frontend")
        {
            Description = "A front end's address, as given to 'sdnet serve submission --url'; repeat for several front ends behind one onion (default: the Unix socket of the multi-user layout, else sdnet run's address).",
            HelpName = "URL",
        };
        var console = new Option<string>("--console")
        {
            Description = "The console's address, as given to 'sdnet serve reviewer --url' (default: as for --frontend).",
            HelpName = "URL",
        };
        var command = new Command("torrc", "Print this instance's torrc: the front end's onion service (proof-of-work defence, circuit ids) and the console's (client authorisation).")
        {
            data, torDir, frontEnd, console,
        };
        command.SetAction((parse, _) => Sdnet.GuardAsync(parse, async output =>
        {
            var instance = DataDirectory.Open(parse.GetRequiredValue(data).FullName);
            var multiUser = MultiUserLayout.Read(instance) is not null;
            var frontEnds = parse.GetValue(frontEnd) is { Length: > 0 } given ? given
                : [multiUser ? TorrcWriter.ProductionFrontEnd : RunCommand.DefaultSubmissionUrl];
            var consoleUrl = parse.GetValue(console) ?? (multiUser ? TorrcWriter.ProductionConsole : RunCommand.DefaultReviewerUrl);
            string torrc;
            try
            {
                torrc = TorrcWriter.Write(parse.GetRequiredValue(torDir), frontEnds, consoleUrl);
            }
            catch (ArgumentException exception)
            {
                throw new DataDirectoryException(exception.Message, exception);
            }

            await output.WriteAsync(torrc);
            return Sdnet.Success;
        }));
        return command;
    }
}

using System.CommandLine;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Keys;

namespace SecureDrop.Net.Cli.Keys;

/// <summary>sdnet keys: the newsroom keys.</summary>
internal static class KeysCommand
{
    public static Command Create()
    {
        var data = Sdnet.DataOption();
        var exportPublic = new Command("export-public", "Print the active newsroom public key, ASCII-armored.") { data };
        exportPublic.SetAction((parse, _) => Sdnet.GuardAsync(parse, async output =>
        {
            var directory = DataDirectory.Open(parse.GetRequiredValue(data).FullName);
            await output.WriteAsync(new NewsroomKeys(directory).LoadActivePublicKey().ToArmored());
            return Sdnet.Success;
        }));
        return new Command("keys", "Manage the newsroom keys.") { exportPublic };
    }
}

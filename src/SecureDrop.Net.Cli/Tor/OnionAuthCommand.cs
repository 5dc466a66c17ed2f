using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using SecureDrop.Net.Cli.Keys;
using SecureDrop.Net.Cli.Unlock;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Custody.Journalists;

namespace SecureDrop.Net.Cli.Tor;

/// <summary>
/// sdnet journalist onion-auth: which journalist devices may reach the console's onion service (<see cref="OnionClients"/>).
/// Each change is audit-logged; tor is reloaded when its pid file is given, and told how otherwise.
/// </summary>
internal static class OnionAuthCommand
{
    /// <summary>Where the console's onion service directory was last given, so later commands (disable, check) find it.</summary>
    public const string RecordFile = "console-onion-directory";

    public const string DefaultServiceDirectory = "/var/lib/tor/" + TorrcWriter.ConsoleService;

    public static Command Create() => new("onion-auth", "Which devices may reach the console's onion service (Tor client authorisation).")
    {
        Add(),
        List(),
        Revoke(),
    };

    /// <summary>--tor-dir: the console's HiddenServiceDir.</summary>
    public static Option<DirectoryInfo> TorDirectoryOption() => new("--tor-dir")
    {
        Description = $"The console's onion service directory (its HiddenServiceDir; default: the one given last, else {DefaultServiceDirectory}).",
        HelpName = "DIR",
    };

    /// <summary>--tor-pid: tor's pid file, to reload it (SIGHUP).</summary>
    public static Option<FileInfo> TorPidOption() => new("--tor-pid")
    {
        Description = "tor's pid file (Debian: /run/tor/tor.pid): tor is reloaded (SIGHUP) to apply the change.",
        HelpName = "FILE",
    };

    /// <summary>The service directory: the option, else the recorded one, else the default.</summary>
    public static OnionClients Clients(DataDirectory data, DirectoryInfo? option)
    {
        ArgumentNullException.ThrowIfNull(data);
        var recorded = Path.Combine(data.Root, RecordFile);
        return new OnionClients(option?.FullName ?? (File.Exists(recorded) ? File.ReadAllText(recorded).Trim() : DefaultServiceDirectory));
    }

    /// <summary>Removes every device key of a journalist (when the account is disabled). Returns the labels removed.</summary>
    public static async Task<IReadOnlyList<string>> RevokeAllAsync(Instance instance, JournalistAccount account, OnionClients clients, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(clients);
        var usernames = (await new JournalistStore(instance.Database, TimeProvider.System).ListAsync(cancellationToken)).Select(j => j.Username);
        var devices = clients.Devices(account.Username, usernames);
        foreach (var device in devices)
        {
            clients.Revoke(account.Username, device);
            await KeysCommand.AuditAsync(instance, null, $"revoke console onion key for device {device} (sdnet)", account.Id, cancellationToken);
        }

        return devices;
    }

    /// <summary>Reloads tor through its pid file, or says how to; after a revocation, says why a restart is needed too.</summary>
    public static async Task ApplyAsync(TextWriter output, FileInfo? pidFile, bool revoked)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (pidFile is null)
        {
            await output.WriteLineAsync("Reload tor to apply this: systemctl reload tor@default (or kill -HUP $(cat /run/tor/tor.pid)).");
        }
        else
        {
            if (!pidFile.Exists || !int.TryParse(File.ReadAllText(pidFile.FullName).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                throw new IOException($"'{pidFile.FullName}' holds no process id. Give tor's pid file (its PidFile setting; Debian: /run/tor/tor.pid), or leave --tor-pid out and reload tor yourself.");
            }

            using var kill = Process.Start("kill", ["-HUP", pid.ToString(CultureInfo.InvariantCulture)]) ?? throw new IOException("Could not run kill.");
            await kill.WaitForExitAsync();
            if (kill.ExitCode != 0)
            {
                throw new IOException($"Could not signal tor (pid {pid}): is it running, and is this command run as root or as tor's user?");
            }

            await output.WriteLineAsync($"tor (pid {pid}) reloaded.");
        }

        if (revoked)
        {
            await output.WriteLineAsync(
                "A device that fetched the console's descriptor before can still reach it through the same introduction points until tor restarts: restart tor to shut it out at once (systemctl restart tor@default).");
        }
    }

    private static Command Add()
    {
        var data = Sdnet.DataOption();
        var name = new Argument<string>("NAME") { Description = "The journalist's user name." };
        var device = DeviceOption();
        var torDir = TorDirectoryOption();
        var pid = TorPidOption();
        var command = new Command("add", "Make a key for one of a journalist's devices; prints the line for its Tor Browser, once.") { data, name, device, torDir, pid };
        command.SetAction((parse, cancellationToken) => Sdnet.GuardAsync(parse, async output =>
        {
            var instance = await Instance.OpenAsync(parse.GetRequiredValue(data));
            var account = await FindAsync(instance, parse.GetRequiredValue(name), cancellationToken);
            if (account.Disabled)
            {
                throw new DataDirectoryException($"'{account.Username}' is disabled. Enable the account first (sdnet journalist enable {account.Username}).");
            }

            var label = parse.GetRequiredValue(device);
            var clients = Clients(instance.Data, parse.GetValue(torDir));
            var usernames = (await new JournalistStore(instance.Database, TimeProvider.System).ListAsync(cancellationToken)).Select(j => j.Username);
            var line = clients.Add(account.Username, label, usernames);
            Record(instance.Data, clients);
            await KeysCommand.AuditAsync(instance, null, $"add console onion key for device {label} (sdnet)", account.Id, cancellationToken);
            await output.WriteLineAsync($"""
                Added a key for {account.Username}'s device '{label}' ({Path.Combine(clients.ClientsDirectory, OnionClients.FileName(account.Username, label))}).

                In that device's Tor Browser, open http://{clients.OnionAddress}/ and, when it asks for a key, paste:

                {line}

                This line is shown only this once and stored nowhere; give it to its owner as you would a passphrase.
                """);
            await ApplyAsync(output, parse.GetValue(pid), revoked: false);
            return Sdnet.Success;
        }));
        return command;
    }

    private static Command List()
    {
        var data = Sdnet.DataOption();
        var torDir = TorDirectoryOption();
        var command = new Command("list", "List the devices that may reach the console's onion service.") { data, torDir };
        command.SetAction((parse, cancellationToken) => Sdnet.GuardAsync(parse, async output =>
        {
            var instance = await Instance.OpenAsync(parse.GetRequiredValue(data));
            var clients = Clients(instance.Data, parse.GetValue(torDir));
            var journalists = await new JournalistStore(instance.Database, TimeProvider.System).ListAsync(cancellationToken);
            var usernames = journalists.Select(j => j.Username).ToList();
            await output.WriteLineAsync($"console onion service: {clients.OnionAddress ?? "(tor has not created it yet)"} in {clients.ServiceDirectory}");
            await output.WriteLineAsync("user name                         device                            state");
            foreach (var file in clients.Files())
            {
                var stem = file[..^".auth".Length];
                var owner = OnionClients.Owner(stem, usernames);
                var journalist = journalists.FirstOrDefault(j => j.Username == owner);
                var state = journalist is null ? "NO SUCH JOURNALIST: revoke it" : journalist.Disabled ? "JOURNALIST DISABLED: revoke it" : "active";
                await output.WriteLineAsync(owner is null
                    ? $"{"?",-33} {stem,-33} {state}"
                    : $"{owner,-33} {stem[(owner.Length + 1)..],-33} {state}");
            }

            return Sdnet.Success;
        }));
        return command;
    }

    private static Command Revoke()
    {
        var data = Sdnet.DataOption();
        var name = new Argument<string>("NAME") { Description = "The journalist's user name." };
        var device = DeviceOption();
        var torDir = TorDirectoryOption();
        var pid = TorPidOption();
        var command = new Command("revoke", "Remove one device's key: that device can no longer reach the console's onion service.") { data, name, device, torDir, pid };
        command.SetAction((parse, cancellationToken) => Sdnet.GuardAsync(parse, async output =>
        {
            var instance = await Instance.OpenAsync(parse.GetRequiredValue(data));
            var username = parse.GetRequiredValue(name);
            var label = parse.GetRequiredValue(device);
            var clients = Clients(instance.Data, parse.GetValue(torDir));
            if (!clients.Revoke(username, label))
            {
                throw new DataDirectoryException($"There is no key for '{username}' device '{label}' in {clients.ClientsDirectory}. List them with: sdnet journalist onion-auth list --data {instance.Data.Root}");
            }

            var account = await new JournalistStore(instance.Database, TimeProvider.System).FindByUsernameAsync(username, cancellationToken);
            await KeysCommand.AuditAsync(instance, null, $"revoke console onion key for device {label} (sdnet)", account?.Id ?? username, cancellationToken);
            await output.WriteLineAsync($"Revoked the key of {username}'s device '{label}'.");
            await ApplyAsync(output, parse.GetValue(pid), revoked: true);
            return Sdnet.Success;
        }));
        return command;
    }

    /// <summary>Notes the service directory in the data directory (owner-only, like everything there).</summary>
    private static void Record(DataDirectory data, OnionClients clients)
    {
        var path = Path.Combine(data.Root, RecordFile);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var writer = new StreamWriter(path, options);
        writer.WriteLine(clients.ServiceDirectory);
    }

    private static Option<string> DeviceOption()
    {
        var device = new Option<string>("--device") { Description = "A label for the device: 1 to 32 lower-case letters, digits, dot, dash or underscore.", Required = true, HelpName = "LABEL" };
        device.Validators.Add(result =>
        {
            if (!OnionClients.IsValidDevice(result.GetValueOrDefault<string>() ?? ""))
            {
                result.AddError("A device label is 1 to 32 characters: lower-case letters, digits, dot, dash or underscore.");
            }
        });
        return device;
    }

    private static async Task<JournalistAccount> FindAsync(Instance instance, string username, CancellationToken cancellationToken) =>
        await new JournalistStore(instance.Database, TimeProvider.System).FindByUsernameAsync(username, cancellationToken)
        ?? throw new DataDirectoryException($"There is no account named '{username}'. List accounts with: sdnet journalist list --data {instance.Data.Root}");
}

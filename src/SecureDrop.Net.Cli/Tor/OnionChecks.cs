using Microsoft.Extensions.Configuration;
using SecureDrop.Net.Cli.Check;
using SecureDrop.Net.Core.Settings;

namespace SecureDrop.Net.Cli.Tor;

/// <summary>What `sdnet check` says about the onion services: client authorisation on the console's, circuit lines on the front end's.</summary>
internal static class OnionChecks
{
    /// <param name="clients">The console's onion service directory.</param>
    /// <param name="journalists">User names with whether each is disabled, or null when the database could not be read.</param>
    public static CheckResult ConsoleAuthorisation(OnionClients clients, IReadOnlyDictionary<string, bool>? journalists)
    {
        ArgumentNullException.ThrowIfNull(clients);
        const string Name = "console onion client authorisation";
        if (clients.OnionAddress is not { } onion)
        {
            return new(Verdict.Ok, Name, $"no onion service in {clients.ServiceDirectory} (give its HiddenServiceDir with --tor-dir if the console has one elsewhere)");
        }

        if (!clients.RequiresAuthorisation())
        {
            return new(Verdict.Weak, Name,
                $"{onion} has no client authorisation ({clients.ClientsDirectory} holds no key): anyone who learns the address reaches the sign-in page. Fix: sdnet journalist onion-auth add NAME --device LABEL --data DIR --tor-dir {clients.ServiceDirectory}, then restart tor");
        }

        var files = clients.Files();
        if (journalists is not null)
        {
            var stale = files.Select(file => file[..^".auth".Length])
                .Where(stem => OnionClients.Owner(stem, journalists.Keys) is not { } owner || journalists[owner])
                .ToList();
            if (stale.Count > 0)
            {
                return new(Verdict.Weak, Name,
                    $"{stale.Count} key(s) in {clients.ClientsDirectory} belong to no enabled journalist ({string.Join(", ", stale)}). Fix: sdnet journalist onion-auth revoke NAME --device LABEL (or disable the journalist with sdnet journalist disable), then restart tor");
            }
        }

        return new(Verdict.Ok, Name, $"{onion}: {files.Count} device key(s), every one an enabled journalist's");
    }

    /// <summary>Behind tor, admission is fair per circuit only when the front end reads tor's circuit lines.</summary>
    public static CheckResult CircuitLines(IConfiguration settings, InstanceSettings console)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(console);
        const string Name = "front end circuit lines";
        var onion = console.OnionAddress ?? settings["Submission:OnionAddress"];
        var protocol = settings["Submission:ProxyProtocol"] ?? "none";
        if (string.IsNullOrWhiteSpace(onion))
        {
            return new(Verdict.Ok, Name, $"Submission:ProxyProtocol is {protocol} (no onion address is set)");
        }

        return protocol == "tor"
            ? new(Verdict.Ok, Name, "Submission:ProxyProtocol is tor: uploads and sign-ins are limited per Tor circuit")
            : new(Verdict.Weak, Name,
                "the front end is an onion service but reads no circuit lines (Submission:ProxyProtocol is not tor): its limits are site-wide, so one flooding circuit slows every source. Fix: HiddenServiceExportCircuitID haproxy in the torrc (sdnet tor torrc) and Submission__ProxyProtocol=tor for the front end");
    }
}

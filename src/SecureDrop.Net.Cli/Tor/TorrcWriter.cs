using System.Globalization;
using System.Text;
using SecureDrop.Net.Cli.Run;

namespace SecureDrop.Net.Cli.Tor;

/// <summary>
/// The torrc for an instance: two v3 onion services, the front end's (proof-of-work defence, circuit ids exported
/// with the PROXY protocol so admission is fair per circuit) and the console's (client authorisation: without a key
/// in authorized_clients, its descriptor cannot be read). One HiddenServicePort line per front end: tor spreads the
/// onion's streams over them. ops/tor/torrc is this file for the production layout.
/// </summary>
internal static class TorrcWriter
{
    public const string FrontEndService = "sdnet-frontend";
    public const string ConsoleService = "sdnet-console";
    public const string DefaultTorDirectory = "/var/lib/tor";
    public const string ProductionFrontEnd = "http://unix:/run/sdnet-frontend/frontend.sock";
    public const string ProductionConsole = "http://unix:/run/sdnet-console/console.sock";

    /// <param name="torDirectory">Where tor keeps the services' directories (Debian: /var/lib/tor).</param>
    /// <param name="frontEnds">Each front end's address, as given to <c>sdnet serve --url</c>.</param>
    /// <param name="console">The console's address, or null for no console service here.</param>
    public static string Write(string torDirectory, IReadOnlyList<string> frontEnds, string? console)
    {
        ArgumentNullException.ThrowIfNull(frontEnds);
        var text = new StringBuilder();
        text.AppendLine("""
            ## Tor configuration for a SecureDrop.Net server (made by `sdnet tor torrc`): two v3 onion services, no SOCKS
            ## port, no relaying. Install as /etc/tor/torrc (Debian's tor package). Where the apps listen on Unix sockets,
            ## debian-tor must be a member of the groups sdnet-frontend and sdnet-console to reach them (ops/README.md).

            # This Tor is a client for its onion services only.
            SocksPort 0
            ClientOnly 1

            ## The source-facing front end. The proof-of-work defence makes a flood of introductions cost the attacker CPU
            ## time, while a lone source waits a few seconds at most (Tor >= 0.4.8). Every stream reaches the front end
            ## with a PROXY protocol line naming its circuit: set Submission__ProxyProtocol=tor on the front end, which then
            ## refuses connections without it and shares uploads and sign-ins out fairly per circuit.
            """);
        text.AppendLine(CultureInfo.InvariantCulture, $"HiddenServiceDir {Path.Combine(torDirectory, FrontEndService)}/");
        text.AppendLine("HiddenServiceVersion 3");
        foreach (var frontEnd in frontEnds)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"HiddenServicePort 80 {Target(frontEnd)}");
        }

        text.AppendLine("HiddenServicePoWDefensesEnabled 1");
        text.AppendLine("HiddenServiceExportCircuitID haproxy");
        if (console is not null)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"""
                ## The journalists' console, with client authorisation: without a key listed in
                ## {Path.Combine(torDirectory, ConsoleService)}/authorized_clients/ (one NAME-DEVICE.auth file per journalist
                ## device, made by `sdnet journalist onion-auth add`), the service's descriptor cannot even be decrypted, so its
                ## existence stays unknown. Add the first device before tor first publishes the service, or restart tor after.
                """);
            text.AppendLine(CultureInfo.InvariantCulture, $"HiddenServiceDir {Path.Combine(torDirectory, ConsoleService)}/");
            text.AppendLine("HiddenServiceVersion 3");
            text.AppendLine(CultureInfo.InvariantCulture, $"HiddenServicePort 80 {Target(console)}");
        }

        return text.ToString();
    }

    /// <summary>A HiddenServicePort target from an app address: unix:PATH for a socket, HOST:PORT for TCP.</summary>
    public static string Target(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (UnixSocketListener.SocketPath(url) is { } socket)
        {
            return Path.IsPathRooted(socket) && !socket.Any(char.IsWhiteSpace)
                ? "unix:" + socket
                : throw new ArgumentException($"'{url}' names no absolute socket path without spaces (tor's torrc cannot quote one): use http://unix:/run/...");
        }

        return Uri.TryCreate(url, UriKind.Absolute, out var address) && address.Scheme == Uri.UriSchemeHttp && !address.IsDefaultPort
            && address.AbsolutePath == "/" && (address.IsLoopback || address.Host == "localhost")
            ? address.Authority
            : throw new ArgumentException($"'{url}' is not an app address tor can reach on this machine: use http://unix:/PATH or http://127.0.0.1:PORT.");
    }
}

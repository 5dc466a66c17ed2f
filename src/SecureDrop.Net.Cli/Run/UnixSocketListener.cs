namespace SecureDrop.Net.Cli.Run;

/// <summary>
/// Kestrel listens on a Unix socket for a URL of the form <c>http://unix:/run/sdnet-frontend/frontend.sock</c>, so no
/// TCP port is open at all and Tor reaches the app through the file system. Kestrel creates the socket under the
/// process umask (owner-only here); the socket is then opened to the service's group, so a Tor daemon added to
/// that group (and nothing else) can connect.
/// </summary>
internal static class UnixSocketListener
{
    private const string Prefix = "http://unix:";

    public static string? SocketPath(string url) =>
        url.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) ? url[Prefix.Length..] : null;

    public static void OpenToGroup(string url)
    {
        var path = SocketPath(url);
        if (path is null || OperatingSystem.IsWindows())
        {
            return;
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
    }
}

using System.Net.Sockets;

namespace SecureDrop.Net.Testing;

public static class Ports
{
    /// <summary>A loopback port that was free a moment ago, for processes that must be told their address up front.</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Globalization;
using System.Net.Sockets;

namespace SecureDrop.Net.Submission.Tests.Support;

/// <summary>
/// A Tor circuit as the front end sees it behind tor's <c>HiddenServiceExportCircuitID haproxy</c>: every connection
/// begins with the PROXY line tor writes for that circuit (tor's export_hs_client_circuit_id: the circuit's global id
/// in the low 32 bits of a source address in fc00:dead:beef:4dad::/64, its low 16 bits as the source port).
/// </summary>
public sealed class EmulatedCircuit(uint id)
{
    public uint Id { get; } = id;

    public string Line => string.Create(CultureInfo.InvariantCulture, $"PROXY TCP6 fc00:dead:beef:4dad::{Id >> 16:x}:{Id & 0xffff:x} ::1 {Id & 0xffff} 80\r\n");

    /// <summary>A source whose every connection comes over this circuit.</summary>
    public SourceClient Source(Uri address) => new(address, Handler());

    public SocketsHttpHandler Handler() => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var stream = await ConnectAsync(context.DnsEndPoint.Port, cancellationToken);
            return stream;
        },
    };

    /// <summary>A raw connection that has sent this circuit's line and nothing else yet.</summary>
    public async Task<NetworkStream> ConnectAsync(int port, CancellationToken cancellationToken = default)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            var stream = new NetworkStream(socket, ownsSocket: true);
            await stream.WriteAsync(Encoding.ASCII.GetBytes(Line), cancellationToken);
            return stream;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SecureDrop.Net.Submission.Hosting;

/// <summary>
/// Reads the PROXY protocol version 1 line that tor writes at the start of every connection to an onion service's
/// target when the service has <c>HiddenServiceExportCircuitID haproxy</c>: <c>PROXY TCP6 SOURCE ::1 PORT VPORT</c>,
/// where SOURCE is in fc00:dead:beef:4dad::/64 and its low 32 bits are the global id of the rendezvous circuit the
/// stream came over (tor's connection_edge.c, export_hs_client_circuit_id). Only that shape is accepted: anything
/// else did not come from tor, and a front end told to expect tor must not guess.
/// </summary>
/// <remarks>The PROXY protocol (HAProxy's proxy-protocol.txt, version 1) caps the line at 107 bytes with its CRLF.</remarks>
internal static class TorCircuitLine
{
    /// <summary>Longest version 1 line, "\r\n" included.</summary>
    public const int MaxLineBytes = 107;

    private static readonly IPAddress TorPrefix = IPAddress.Parse("fc00:dead:beef:4dad::");

    /// <summary>
    /// Whether a whole line (without its CRLF) is a proxy's health probe: "PROXY UNKNOWN", which HAProxy sends with
    /// <c>check-send-proxy</c> before it closes (several front ends behind one onion, ops/guides/several-front-ends.md).
    /// </summary>
    public static bool IsProbe(ReadOnlySpan<byte> line) =>
        line.SequenceEqual("PROXY UNKNOWN"u8) || line.StartsWith("PROXY UNKNOWN "u8);

    /// <summary>The circuit id of a whole line (without its CRLF), or null when it is not tor's circuit-id line.</summary>
    public static uint? Parse(ReadOnlySpan<byte> line)
    {
        if (line.Length > MaxLineBytes - 2 || line.ContainsAnyExceptInRange((byte)0x20, (byte)0x7e))
        {
            return null;
        }

        Span<Range> fields = stackalloc Range[7];
        var text = Encoding.ASCII.GetString(line);
        if (text.AsSpan().Split(fields, ' ') != 6)
        {
            return null;
        }

        var span = text.AsSpan();
        if (!span[fields[0]].SequenceEqual("PROXY") || !span[fields[1]].SequenceEqual("TCP6")
            || !IPAddress.TryParse(span[fields[2]], out var source) || source.AddressFamily != AddressFamily.InterNetworkV6
            || !IPAddress.TryParse(span[fields[3]], out var destination) || destination.AddressFamily != AddressFamily.InterNetworkV6
            || !IsPort(span[fields[4]]) || !IsPort(span[fields[5]]))
        {
            return null;
        }

        Span<byte> address = stackalloc byte[16];
        Span<byte> prefix = stackalloc byte[16];
        source.TryWriteBytes(address, out _);
        TorPrefix.TryWriteBytes(prefix, out _);
        return address[..8].SequenceEqual(prefix[..8]) ? BinaryPrimitives.ReadUInt32BigEndian(address[12..]) : null;
    }

    private static bool IsPort(ReadOnlySpan<char> text) =>
        text.Length is > 0 and <= 5 && (text.Length == 1 || text[0] != '0')
        && ushort.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _);
}

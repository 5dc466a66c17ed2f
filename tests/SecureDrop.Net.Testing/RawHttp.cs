using System.Net.Sockets;

namespace SecureDrop.Net.Testing;

/// <summary>
/// Sends bytes exactly as given over a plain TCP connection and reads what comes back: for requests HttpClient
/// would refuse to send or would quietly fix (bad framing, huge headers, odd methods, truncated bodies).
/// </summary>
public static class RawHttp
{
    /// <param name="address">The server's base address (loopback).</param>
    /// <param name="request">The whole request, head and body.</param>
    /// <param name="halfClose">Shut down the sending side after writing, as a client that gives up would.</param>
    /// <param name="localAddress">The client's own loopback address (e.g. 127.0.0.2), to tell it apart from the server's.</param>
    public static async Task<RawResponse> SendAsync(Uri address, byte[] request, bool halfClose = false, IPAddress? localAddress = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(request);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (localAddress is not null)
        {
            socket.Bind(new IPEndPoint(localAddress, 0));
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await socket.ConnectAsync(IPAddress.Parse(address.Host), address.Port, timeout.Token);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        try
        {
            await stream.WriteAsync(request, timeout.Token);
            if (halfClose)
            {
                socket.Shutdown(SocketShutdown.Send);
            }
        }
        catch (IOException)
        {
            // The server may answer and close before the whole request is written (a rejected upload); read its answer.
        }

        using var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException)
        {
            // A reset after the response is how a server ends a connection whose request body it will not read.
        }

        return RawResponse.Parse(received.ToArray());
    }

    /// <summary>A request head with Connection: close, and a body if given.</summary>
    public static byte[] Request(string method, string path, Uri address, IEnumerable<string>? headers = null, byte[]? body = null, long? contentLength = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        var head = new StringBuilder();
        head.Append(method).Append(' ').Append(path).Append(" HTTP/1.1\r\n");
        head.Append("Host: ").Append(address.Authority).Append("\r\n");
        head.Append("Connection: close\r\n");
        foreach (var header in headers ?? [])
        {
            head.Append(header).Append("\r\n");
        }

        if (body is not null || contentLength is not null)
        {
            head.Append("Content-Length: ").Append(contentLength ?? body!.Length).Append("\r\n");
        }

        head.Append("\r\n");
        return [.. Encoding.Latin1.GetBytes(head.ToString()), .. body ?? []];
    }
}

/// <summary>A response as read off the wire: status, headers (last value wins), body as text.</summary>
public sealed record RawResponse(int StatusCode, IReadOnlyDictionary<string, string> Headers, string Body, string Raw)
{
    public static RawResponse Parse(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var text = Encoding.UTF8.GetString(bytes);
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = split < 0 ? text : text[..split];
        var lines = head.Split("\r\n");
        var status = lines[0].Split(' ') is [_, var code, ..] && int.TryParse(code, out var parsed) ? parsed : 0;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        var body = split < 0 ? "" : text[(split + 4)..];
        if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Dechunk(body);
        }

        return new RawResponse(status, headers, body, text);
    }

    private static string Dechunk(string body)
    {
        var result = new StringBuilder();
        var position = 0;
        while (position < body.Length)
        {
            var lineEnd = body.IndexOf("\r\n", position, StringComparison.Ordinal);
            if (lineEnd < 0 || !int.TryParse(body.AsSpan(position, lineEnd - position), System.Globalization.NumberStyles.HexNumber, null, out var size) || size == 0)
            {
                break;
            }

            // Sizes count bytes; the body is ASCII or UTF-8 text, close enough for assertions on its words.
            var start = lineEnd + 2;
            var length = Math.Min(size, body.Length - start);
            result.Append(body, start, length);
            position = start + length + 2;
        }

        return result.ToString();
    }
}

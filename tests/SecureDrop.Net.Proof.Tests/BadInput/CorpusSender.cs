using System.Net.Sockets;

namespace SecureDrop.Net.Proof.Tests.BadInput;

/// <summary>
/// Sends a corpus request on a raw loopback socket, all at once or trickled, and reads the answer until the server
/// closes (every corpus request asks for Connection: close). Bounded: 60 s per request.
/// </summary>
internal static class CorpusSender
{
    public static async Task<RawResponse> SendAsync(Uri address, byte[] request, bool halfClose, Trickle? trickle)
    {
        if (trickle is null)
        {
            return await RawHttp.SendAsync(address, request, halfClose);
        }

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await socket.ConnectAsync(IPAddress.Parse(address.Host), address.Port, timeout.Token);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var headEnd = request.AsSpan().IndexOf("\r\n\r\n"u8) + 4;
        var reading = ReadAllAsync(stream, timeout.Token);
        try
        {
            await stream.WriteAsync(request.AsMemory(0, headEnd), timeout.Token);
            var position = headEnd;
            for (var chunk = 0; chunk < trickle.Chunks && position < request.Length && !reading.IsCompleted; chunk++)
            {
                var length = Math.Min(trickle.Bytes, request.Length - position);
                await stream.WriteAsync(request.AsMemory(position, length), timeout.Token);
                position += length;
                await Task.WhenAny(reading, Task.Delay(trickle.DelayMs, timeout.Token));
            }
        }
        catch (IOException)
        {
            // The server gave up on the slow client and closed: its answer, if any, is being read.
        }

        return RawResponse.Parse(await reading);
    }

    private static async Task<byte[]> ReadAllAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        using var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException)
        {
            // A reset after the response is how a server ends a connection whose request body it will not read;
            // a server that never answers a stalled client shows as no response (status 0) after the bound.
        }

        return received.ToArray();
    }
}

using System.Buffers;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;

namespace SecureDrop.Net.Submission.Hosting;

/// <summary>
/// The Tor circuit a connection came over, known only when <c>Submission:ProxyProtocol</c> is <c>tor</c>. Admission
/// counts uploads and sign-ins per circuit with it. It lives in this process's memory for the connection's length:
/// never logged, never stored, and its <see cref="ToString"/> does not print it.
/// </summary>
internal sealed class TorCircuitFeature(uint id)
{
    /// <summary>tor's global circuit id: unique among the circuits of one tor process while they are open.</summary>
    public uint Id { get; } = id;

    public override string ToString() => "a Tor circuit";
}

/// <summary>
/// Kestrel connection middleware for <c>Submission:ProxyProtocol=tor</c>: every connection must begin with tor's
/// PROXY line (<see cref="TorCircuitLine"/>), within a few seconds; a connection without it is closed before any
/// HTTP is read. A front end behind tor with this on cannot be reached around tor by anything that does not speak
/// the line, and behind tor every stream names its circuit.
/// </summary>
internal sealed partial class TorCircuitExport
{
    /// <summary>tor writes the line as it opens the connection; a client that has not sent it by then never will.</summary>
    public static readonly TimeSpan LineTimeout = TimeSpan.FromSeconds(10);

    private readonly ILogger<TorCircuitExport> _logger;
    private readonly TimeProvider _time;

    public TorCircuitExport(ILogger<TorCircuitExport> logger, TimeProvider time)
    {
        _logger = logger;
        _time = time;
    }

    public ConnectionDelegate Wrap(ConnectionDelegate next) => connection => OnConnectionAsync(connection, next);

    private async Task OnConnectionAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        uint? circuit;
        using (var timeout = new CancellationTokenSource(LineTimeout, _time))
        using (var either = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, connection.ConnectionClosed))
        {
            try
            {
                circuit = await ReadLineAsync(connection, either.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                circuit = null;
            }
        }

        if (circuit is null)
        {
            LogRefused();
            connection.Abort(new ConnectionAbortedException("No Tor circuit line."));
            return;
        }

        connection.Features.Set(new TorCircuitFeature(circuit.Value));
        await next(connection).ConfigureAwait(false);
    }

    private static async Task<uint?> ReadLineAsync(ConnectionContext connection, CancellationToken cancellationToken)
    {
        var input = connection.Transport.Input;
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var window = buffer.Slice(0, Math.Min(buffer.Length, TorCircuitLine.MaxLineBytes));
            if (window.PositionOf((byte)'\n') is { } newline)
            {
                var line = window.Slice(0, newline).ToArray();
                input.AdvanceTo(buffer.GetPosition(1, newline));
                return line.Length > 0 && line[^1] == (byte)'\r' ? TorCircuitLine.Parse(line.AsSpan(0, line.Length - 1)) : null;
            }

            if (buffer.Length >= TorCircuitLine.MaxLineBytes || result.IsCompleted)
            {
                input.AdvanceTo(buffer.End);
                return null;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "A connection without a Tor circuit line was closed (Submission:ProxyProtocol is tor)")]
    private partial void LogRefused();
}

internal static class TorCircuitExtensions
{
    /// <summary>The request's Tor circuit, or null when the front end does not read circuit lines.</summary>
    public static TorCircuitFeature? TorCircuit(this HttpContext context) => context.Features.Get<TorCircuitFeature>();
}

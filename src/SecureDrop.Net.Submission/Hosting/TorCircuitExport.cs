using System.Buffers;
using Microsoft.AspNetCore.Connections;

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
/// the line, and behind tor every stream names its circuit. It also counts each circuit's open connections: one over
/// <c>Submission:MaxConnectionsPerCircuit</c> is closed, so one circuit cannot take the site's connections.
/// </summary>
internal sealed partial class TorCircuitExport
{
    /// <summary>tor writes the line as it opens the connection; a client that has not sent it by then never will.</summary>
    public static readonly TimeSpan LineTimeout = TimeSpan.FromSeconds(10);

    private readonly ILogger<TorCircuitExport> _logger;
    private readonly TimeProvider _time;
    private readonly int _perCircuit;
    private readonly Dictionary<uint, int> _open = [];
    private long _lastTooManyLogged = long.MinValue;

    public TorCircuitExport(ILogger<TorCircuitExport> logger, TimeProvider time, int maxConnectionsPerCircuit)
    {
        _logger = logger;
        _time = time;
        _perCircuit = maxConnectionsPerCircuit;
    }

    /// <summary>Connections open now over <paramref name="circuit"/> (for tests).</summary>
    internal int OpenOver(uint circuit)
    {
        lock (_open)
        {
            return _open.GetValueOrDefault(circuit);
        }
    }

    public ConnectionDelegate Wrap(ConnectionDelegate next) => connection => OnConnectionAsync(connection, next);

    private async Task OnConnectionAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        Line line;
        using (var timeout = new CancellationTokenSource(LineTimeout, _time))
        using (var either = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, connection.ConnectionClosed))
        {
            try
            {
                line = await ReadLineAsync(connection, either.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                line = default;
            }
        }

        if (line.Circuit is not { } circuit)
        {
            // A proxy's health probe gets no HTTP either, but is not worth a warning every second.
            if (!line.IsProbe)
            {
                LogRefused();
            }

            connection.Abort(new ConnectionAbortedException("No Tor circuit line."));
            return;
        }

        if (!TryOpen(circuit))
        {
            LogTooManyAtMostOnceAMinute();
            connection.Abort(new ConnectionAbortedException("Too many connections over one Tor circuit."));
            return;
        }

        try
        {
            connection.Features.Set(new TorCircuitFeature(circuit));
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            Close(circuit);
        }
    }

    private bool TryOpen(uint circuit)
    {
        lock (_open)
        {
            var open = _open.GetValueOrDefault(circuit);
            if (open >= _perCircuit)
            {
                return false;
            }

            _open[circuit] = open + 1;
            return true;
        }
    }

    private void Close(uint circuit)
    {
        lock (_open)
        {
            var open = _open[circuit] - 1;
            if (open == 0)
            {
                _open.Remove(circuit);
            }
            else
            {
                _open[circuit] = open;
            }
        }
    }

    /// <summary>A flood refuses thousands of connections a second; one line a minute says it is happening.</summary>
    private void LogTooManyAtMostOnceAMinute()
    {
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastTooManyLogged);
        if ((last == long.MinValue || _time.GetElapsedTime(last, now) >= TimeSpan.FromMinutes(1))
            && Interlocked.CompareExchange(ref _lastTooManyLogged, now, last) == last)
        {
            LogTooMany(_perCircuit);
        }
    }

    private static async Task<Line> ReadLineAsync(ConnectionContext connection, CancellationToken cancellationToken)
    {
        var input = connection.Transport.Input;
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var window = buffer.Slice(0, Math.Min(buffer.Length, TorCircuitLine.MaxLineBytes));
            if (window.PositionOf((byte)'\n') is { } newline)
            {
                var bytes = window.Slice(0, newline).ToArray();
                input.AdvanceTo(buffer.GetPosition(1, newline));
                if (bytes.Length == 0 || bytes[^1] != (byte)'\r')
                {
                    return default;
                }

                var text = bytes.AsSpan(0, bytes.Length - 1);
                return new Line(TorCircuitLine.Parse(text), TorCircuitLine.IsProbe(text));
            }

            if (buffer.Length >= TorCircuitLine.MaxLineBytes || result.IsCompleted)
            {
                input.AdvanceTo(buffer.End);
                return default;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private readonly record struct Line(uint? Circuit, bool IsProbe);

    [LoggerMessage(EventId = 1213, Level = LogLevel.Warning, Message = "A connection without a Tor circuit line was closed (Submission:ProxyProtocol is tor)")]
    private partial void LogRefused();

    [LoggerMessage(EventId = 1214, Level = LogLevel.Warning, Message = "Connections over one Tor circuit beyond Submission:MaxConnectionsPerCircuit ({Limit}) are being closed (logged at most once a minute)")]
    private partial void LogTooMany(int limit);
}

internal static class TorCircuitExtensions
{
    /// <summary>The request's Tor circuit, or null when the front end does not read circuit lines.</summary>
    public static TorCircuitFeature? TorCircuit(this HttpContext context) => context.Features.Get<TorCircuitFeature>();
}

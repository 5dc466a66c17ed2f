using Microsoft.Net.Http.Headers;

namespace SecureDrop.Net.Reviewer.Items;

/// <summary>
/// A decrypted download (one item, or a zip of several) streamed through a <see cref="PlaintextRelay"/>. The
/// response starts only once the decryption has handed over its first buffer, or finished: a failure before that (an
/// altered item that fits in one buffer, a file being deleted) is still answered with a problem; a failure after it
/// aborts the connection, so the client sees a broken download, never a complete one. A client that leaves stops
/// the decryption at its next write.
/// </summary>
internal sealed partial class PlaintextDownload : IResult
{
    private readonly Action<Stream> _produce;
    private readonly string _contentType;
    private readonly Func<string> _fileName;
    private readonly long? _length;
    private readonly string _subject;
    private readonly Func<Exception, IResult?> _refusal;
    private readonly Func<CancellationToken, Task> _started;
    private readonly Func<CancellationToken, Task>? _delivered;
    private readonly ILogger _logger;

    /// <param name="produce">Writes the verified plaintext to the stream it is given (on a thread of its own).</param>
    /// <param name="fileName">The attachment's name, asked for once the response is about to start.</param>
    /// <param name="length">
    /// The plaintext's length where it is known before decrypting (an item's sealed header): sent as Content-Length,
    /// so the browser shows progress and knows a download cut short by a failed integrity check for a broken one.
    /// </param>
    /// <param name="subject">What the log names: an item id, or a source id for a zip.</param>
    /// <param name="refusal">The answer to a failure found before the response started; null to let it pass.</param>
    /// <param name="started">Runs once the response is about to start (the item counts as read from then on).</param>
    /// <param name="delivered">Runs once the whole plaintext has passed its integrity check and been sent, if given.</param>
    public PlaintextDownload(
        Action<Stream> produce,
        string contentType,
        Func<string> fileName,
        long? length,
        string subject,
        Func<Exception, IResult?> refusal,
        Func<CancellationToken, Task> started,
        Func<CancellationToken, Task>? delivered,
        ILogger logger)
    {
        _produce = produce;
        _contentType = contentType;
        _fileName = fileName;
        _length = length;
        _subject = subject;
        _refusal = refusal;
        _started = started;
        _delivered = delivered;
        _logger = logger;
    }

    /// <summary>
    /// The answer to a HEAD on a download: the status and headers its GET would start with, and nothing else. No
    /// decryption, no audit entry, no read mark: a HEAD must change nothing (RFC 9110 9.3.2).
    /// </summary>
    public static IResult HeadersOnly(string contentType, string fileName, long? length) => new Headers(contentType, fileName, length);

    public async Task ExecuteAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var aborted = context.RequestAborted;
        var relay = PlaintextRelay.Start(_produce, aborted);
        var outcome = Outcome.Delivered;
        // What failed, named in the log: the exception's type and message (ours say what is wrong, never the content).
        var failure = "";
        var reason = "";
        try
        {
            PlaintextRelay.Chunk chunk;
            try
            {
                chunk = await relay.NextAsync(aborted);
            }
            catch (Exception exception) when (_refusal(exception) is { } refusal)
            {
                outcome = Outcome.Refused;
                failure = exception.GetType().Name;
                await refusal.ExecuteAsync(context);
                return;
            }

            await _started(aborted);
            var response = context.Response;
            SetHeaders(response, _contentType, _fileName(), _length);
            outcome = Outcome.Broken;
            await response.StartAsync(aborted);
            long sent = 0;
            while (chunk.Buffer is not null)
            {
                PlaintextRelay.Chunk? last = null;
                try
                {
                    sent += chunk.Length;
                    if (sent > _length)
                    {
                        throw new InvalidDataException("The item's plaintext is longer than its sealed header says.");
                    }

                    if (sent == _length)
                    {
                        // The octets that complete the announced length leave only once the decryption has returned, its
                        // integrity check passed: a client told the length takes them for a whole file. (The relay holds
                        // its last buffer back too, but an altered item may decrypt to more than its header says.)
                        var next = await relay.NextAsync(aborted);
                        if (next.Buffer is not null)
                        {
                            relay.Recycle(next);
                            throw new InvalidDataException("The item's plaintext is longer than its sealed header says.");
                        }

                        last = next;
                    }

                    await response.Body.WriteAsync(chunk.Memory, aborted);
                }
                finally
                {
                    relay.Recycle(chunk);
                }

                chunk = last ?? await relay.NextAsync(aborted);
            }

            if (_length is { } length && sent != length)
            {
                throw new InvalidDataException("The item's plaintext is shorter than its sealed header says.");
            }

            outcome = Outcome.Delivered;
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            outcome = Outcome.ClientLeft;
        }
#pragma warning disable CA1031 // After the response started there is no status left to answer with: the connection is aborted instead.
        catch (Exception exception) when (outcome == Outcome.Broken)
#pragma warning restore CA1031
        {
            failure = exception.GetType().Name;
            reason = exception.Message;
            context.Abort();
        }
        finally
        {
            await relay.DisposeAsync();
        }

        // After the relay is disposed: the decryption has ended, so the count is final. Logged rounded down to a power
        // of two: an exact plaintext length next to an item's id would tell a seized log more than the stored file
        // does (Padmé's bucket, invariant 9); a power of two below it tells less.
        var decrypted = PowerOfTwoAtMost(relay.Decrypted);
        switch (outcome)
        {
            case Outcome.Delivered:
                LogDelivered(_subject, decrypted);
                break;
            case Outcome.ClientLeft:
                LogClientLeft(_subject, decrypted);
                break;
            case Outcome.Refused:
                LogRefused(_subject, failure);
                break;
            default:
                LogBroken(_subject, decrypted, failure, reason);
                break;
        }

        if (outcome == Outcome.Delivered && _delivered is not null)
        {
            // Whether or not the client is still there: what it is for (a header sealed) holds either way.
            await _delivered(CancellationToken.None);
        }
    }

    private static void SetHeaders(HttpResponse response, string contentType, string fileName, long? length)
    {
        response.ContentType = contentType;
        response.ContentLength = length;
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(fileName);
        response.Headers.ContentDisposition = disposition.ToString();
    }

    private static long PowerOfTwoAtMost(long bytes) =>
        bytes <= 0 ? 0 : 1L << (63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)bytes));

    [LoggerMessage(EventId = 3111, Level = LogLevel.Debug, Message = "Download of {Subject} delivered: at least {Bytes} plaintext bytes (a power of two)")]
    private partial void LogDelivered(string subject, long bytes);

    [LoggerMessage(EventId = 3112, Level = LogLevel.Information, Message = "Download of {Subject} stopped: the client left after at least {Bytes} plaintext bytes (a power of two) were decrypted")]
    private partial void LogClientLeft(string subject, long bytes);

    [LoggerMessage(EventId = 3113, Level = LogLevel.Information, Message = "Download of {Subject} refused before it started ({Failure})")]
    private partial void LogRefused(string subject, string failure);

    [LoggerMessage(EventId = 3114, Level = LogLevel.Warning, Message = "Download of {Subject} broken off after at least {Bytes} plaintext bytes (a power of two): {Failure}: {Reason}")]
    private partial void LogBroken(string subject, long bytes, string failure, string reason);

    /// <summary>What <see cref="HeadersOnly"/> returns.</summary>
    private sealed class Headers(string contentType, string fileName, long? length) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            SetHeaders(context.Response, contentType, fileName, length);
            return Task.CompletedTask;
        }
    }

    private enum Outcome
    {
        Delivered,
        ClientLeft,
        Refused,
        Broken,
    }
}

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
    private readonly string _fileName;
    private readonly string _subject;
    private readonly Func<Exception, IResult?> _refusal;
    private readonly Func<CancellationToken, Task> _started;
    private readonly ILogger _logger;

    /// <param name="produce">Writes the verified plaintext to the stream it is given (on a thread of its own).</param>
    /// <param name="subject">What the log names: an item id, or a source id for a zip.</param>
    /// <param name="refusal">The answer to a failure found before the response started; null to let it pass.</param>
    /// <param name="started">Runs once the response is about to start (the item counts as read from then on).</param>
    public PlaintextDownload(Action<Stream> produce, string contentType, string fileName, string subject, Func<Exception, IResult?> refusal, Func<CancellationToken, Task> started, ILogger logger)
    {
        _produce = produce;
        _contentType = contentType;
        _fileName = fileName;
        _subject = subject;
        _refusal = refusal;
        _started = started;
        _logger = logger;
    }

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
            response.ContentType = _contentType;
            var disposition = new ContentDispositionHeaderValue("attachment");
            disposition.SetHttpFileName(_fileName);
            response.Headers.ContentDisposition = disposition.ToString();
            outcome = Outcome.Broken;
            await response.StartAsync(aborted);
            // HEAD: the status and headers are all that is wanted; disposing the relay below stops the decryption.
            var sendBody = !HttpMethods.IsHead(context.Request.Method);
            while (sendBody && chunk.Buffer is not null)
            {
                try
                {
                    await response.Body.WriteAsync(chunk.Memory, aborted);
                }
                finally
                {
                    relay.Recycle(chunk);
                }

                chunk = await relay.NextAsync(aborted);
            }

            relay.Recycle(chunk);
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

    private enum Outcome
    {
        Delivered,
        ClientLeft,
        Refused,
        Broken,
    }
}

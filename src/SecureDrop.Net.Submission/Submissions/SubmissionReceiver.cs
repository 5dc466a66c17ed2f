using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Keys;
using SecureDrop.Net.Core.Submissions;
using SecureDrop.Net.Crypto;

namespace SecureDrop.Net.Submission.Submissions;

/// <summary>
/// Reads a submission form straight from the request body and encrypts each part as it streams in. ASP.NET's
/// form binding would spool large files to temporary files in plaintext, so it is never used here: the body is
/// read with <see cref="MultipartReader"/>, in bounded chunks, into <see cref="MessageEncryptor"/>.
/// The antiforgery token must be the first part, so it is checked before any upload is accepted.
/// </summary>
internal sealed partial class SubmissionReceiver
{
    public const string AntiforgeryHeaderName = "X-Sdnet-Antiforgery";
    private const int MaxFieldBytes = 4096;

    private readonly IAntiforgery _antiforgery;
    private readonly NewsroomKeys _keys;
    private readonly ItemFiles _files;
    private readonly IntakeLedger _queue;
    private readonly Hosting.EffectiveSettings _settings;
    private readonly ILogger<SubmissionReceiver> _logger;

    public SubmissionReceiver(IAntiforgery antiforgery, NewsroomKeys keys, ItemFiles files, IntakeLedger queue,
        Hosting.EffectiveSettings settings, ILogger<SubmissionReceiver> logger)
    {
        _antiforgery = antiforgery;
        _keys = keys;
        _files = files;
        _queue = queue;
        _settings = settings;
        _logger = logger;
    }

    public async Task<ReceiveResult> ReceiveAsync(HttpContext context, string sourceId)
    {
        var limits = await _settings.LimitsAsync(context);
        var bodySize = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (bodySize is { IsReadOnly: false })
        {
            bodySize.MaxRequestBodySize = limits.MaxSubmissionBytes + 1024 * 1024;
        }

        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return ReceiveResult.Fail(StatusCodes.Status415UnsupportedMediaType, "ErrorNotMultipart");
        }

        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 70)
        {
            return ReceiveResult.Fail(StatusCodes.Status400BadRequest, "ErrorBoundary");
        }

        var reader = new MultipartReader(boundary, context.Request.Body, 64 * 1024)
        {
            HeadersCountLimit = 8,
            HeadersLengthLimit = 16 * 1024,
        };
        var written = new List<IntakeItemWriter>();
        try
        {
            var result = await ReadPartsAsync(context, reader, written, limits).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                Discard(written);
                return result;
            }

            return Record(sourceId, written, result);
        }
        catch (NotUtf8Exception)
        {
            Discard(written);
            LogRejected(nameof(NotUtf8Exception));
            return ReceiveResult.Fail(StatusCodes.Status400BadRequest, "ErrorEncoding");
        }
        catch (IOException exception) when (IsDiskFull(exception))
        {
            // A full disk is the server's trouble, not the source's: "busy, try again", never "malformed".
            Discard(written);
            LogRecordFailed("DiskFull");
            return ReceiveResult.Fail(StatusCodes.Status503ServiceUnavailable, "ErrorStore");
        }
        catch (Exception exception) when (exception is InvalidDataException or IOException or BadHttpRequestException or OperationCanceledException)
        {
            Discard(written);
            LogRejected(exception.GetType().Name);
            return exception is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }
                ? ReceiveResult.Fail(StatusCodes.Status413PayloadTooLarge, "ErrorTooLarge", SizeText.Format(limits.MaxSubmissionBytes))
                : ReceiveResult.Fail(StatusCodes.Status400BadRequest, "ErrorMalformed");
        }
        finally
        {
            foreach (var writer in written)
            {
                await writer.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<ReceiveResult> ReadPartsAsync(HttpContext context, MultipartReader reader, List<IntakeItemWriter> written, SubmissionLimits limits)
    {
        var first = await reader.ReadNextSectionAsync(context.RequestAborted).ConfigureAwait(false);
        if (first is null || MultipartFields.Name(first) != "__RequestVerificationToken")
        {
            return ReceiveResult.Fail(StatusCodes.Status400BadRequest, "ErrorNoToken");
        }

        context.Request.Headers[AntiforgeryHeaderName] = await MultipartFields.ReadSmallAsync(first, MaxFieldBytes, context.RequestAborted).ConfigureAwait(false);
        if (!await _antiforgery.IsRequestValidAsync(context).ConfigureAwait(false))
        {
            return ReceiveResult.Fail(StatusCodes.Status400BadRequest, "ErrorBadToken");
        }

        var recipient = _keys.LoadActivePublicKey();
        var received = new ReceiveResult(true, StatusCodes.Status200OK, null);
        var sections = 1;
        for (var section = await reader.ReadNextSectionAsync(context.RequestAborted).ConfigureAwait(false);
             section is not null;
             section = await reader.ReadNextSectionAsync(context.RequestAborted).ConfigureAwait(false))
        {
            // Empty parts store nothing but still cost parsing: bound them too (a message and every file, once).
            if (++sections > limits.MaxFiles + 2)
            {
                return ReceiveResult.Fail(StatusCodes.Status413PayloadTooLarge, "ErrorTooManyFiles", limits.MaxFiles.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            var name = MultipartFields.Name(section);
            if (name is not ("message" or "files"))
            {
                return ReceiveResult.Fail(StatusCodes.Status400BadRequest, "ErrorUnknownField");
            }

            var kind = name == "message" ? ItemKind.Message : ItemKind.File;
            if (kind == ItemKind.File && limits.TextOnly)
            {
                return ReceiveResult.Fail(StatusCodes.Status400BadRequest, "ErrorTextOnly");
            }

            if (kind == ItemKind.File && received.FileCount >= limits.MaxFiles)
            {
                return ReceiveResult.Fail(StatusCodes.Status413PayloadTooLarge, "ErrorTooManyFiles", limits.MaxFiles.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            if (kind == ItemKind.Message && received.MessageBytes > 0)
            {
                return ReceiveResult.Fail(StatusCodes.Status400BadRequest, "ErrorTwoMessages");
            }

            var literalName = "";
            if (kind == ItemKind.File)
            {
                var (fileName, nameError) = UploadFileName.FromContentDisposition(section.ContentDisposition);
                if (fileName is null)
                {
                    return ReceiveResult.Fail(StatusCodes.Status400BadRequest, nameError!, UploadFileName.MaxCharacters.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }

                literalName = fileName;
            }

            var budget = limits.MaxSubmissionBytes - received.MessageBytes - received.FileBytes;
            // The item and its header share one session key and public-key packet (SharedMessageKey): one asymmetric
            // operation per item, which is most of a short tip's cost to a post-quantum key.
            using var key = SharedMessageKey.For(recipient);
            var item = await SectionEncryptor.EncryptAsync(_files, section, literalName, kind == ItemKind.Message, budget, key, context.RequestAborted).ConfigureAwait(false);
            if (item is null)
            {
                continue;
            }

            written.Add(item.Writer);
            received = kind == ItemKind.Message
                ? received with { MessageBytes = item.PlaintextBytes }
                : received with { FileCount = received.FileCount + 1, FileBytes = received.FileBytes + item.PlaintextBytes };
            // The console lists name, size and type from this small sealed header instead of decrypting the item.
            var header = ItemMetadata.Seal(key, literalName, item.PlaintextBytes, kind == ItemKind.Message ? "text/plain; charset=utf-8" : section.ContentType);
            received.Items.Add(new NewItem(item.Id, kind, item.Writer.Length, recipient.Fingerprint, header));
        }

        return received.Items.Count == 0
            ? ReceiveResult.Fail(StatusCodes.Status400BadRequest, "ErrorEmpty")
            : received;
    }

    /// <summary>
    /// Records the submission in intake/ (its envelope, flushed, beside its committed items): from then on it survives
    /// any crash, and the source is told it was received. No database row, job or log line is written for it: those
    /// would date it; the worker records it when its ingest window closes.
    /// </summary>
    private ReceiveResult Record(string sourceId, List<IntakeItemWriter> written, ReceiveResult result)
    {
        try
        {
            _queue.Add(new IntakeEnvelope(Ids.New(), sourceId, result.Items));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            LogRecordFailed(exception.GetType().Name);
            Discard(written);
            return ReceiveResult.Fail(StatusCodes.Status503ServiceUnavailable, "ErrorStore");
        }

        return result;
    }

    // ENOSPC (28) and EDQUOT (122) on Linux, as .NET reports them; ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL elsewhere.
    private static bool IsDiskFull(IOException exception) =>
        exception.HResult is 28 or 122 or unchecked((int)0x80070070) or unchecked((int)0x80070027);

    private static void Discard(List<IntakeItemWriter> written)
    {
        foreach (var writer in written)
        {
            writer.Discard();
        }

        written.Clear();
    }

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "A submission was rejected while streaming ({Reason}); nothing was kept")]
    private partial void LogRejected(string reason);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "A submission could not be recorded ({Reason}); its items were discarded")]
    private partial void LogRecordFailed(string reason);
}

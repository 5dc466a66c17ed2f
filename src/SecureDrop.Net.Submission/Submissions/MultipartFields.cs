using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace SecureDrop.Net.Submission.Submissions;

/// <summary>Small pieces of reading a multipart form by hand: a part's field name and a short field's value.</summary>
internal static class MultipartFields
{
    public static string? Name(MultipartSection section) =>
        ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
            && disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase)
            ? HeaderUtilities.RemoveQuotes(disposition.Name).Value
            : null;

    /// <summary>Reads a short ASCII field (the antiforgery token); a longer one is malformed input.</summary>
    public static async Task<string> ReadSmallAsync(MultipartSection section, int maxBytes, CancellationToken cancellationToken)
    {
        var buffer = new byte[maxBytes + 1];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await section.Body.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += read;
        }

        if (total > maxBytes)
        {
            throw new InvalidDataException("Form field too long.");
        }

        return Encoding.ASCII.GetString(buffer, 0, total);
    }
}

/// <summary>
/// Checks that a message streams in as UTF-8, chunk by chunk, without keeping it: the page is UTF-8, so anything
/// else is not a browser's form and journalists could not read it.
/// </summary>
internal sealed class Utf8Check
{
    private readonly Decoder _decoder = new UTF8Encoding(false, throwOnInvalidBytes: true).GetDecoder();
    private readonly char[] _scratch = new char[4096];

    public void Add(ReadOnlySpan<byte> chunk) => Check(chunk, flush: false);

    public void Finish() => Check([], flush: true);

    // Convert, unlike GetCharCount, keeps a sequence split between two reads for the next call (so valid text cut
    // anywhere is accepted), and at the flush it reports a sequence left incomplete at the end.
    private void Check(ReadOnlySpan<byte> chunk, bool flush)
    {
        try
        {
            bool completed;
            do
            {
                _decoder.Convert(chunk, _scratch, flush, out var bytesUsed, out _, out completed);
                chunk = chunk[bytesUsed..];
            }
            while (!completed);
        }
        catch (DecoderFallbackException exception)
        {
            throw new NotUtf8Exception(exception);
        }
    }
}

internal sealed class NotUtf8Exception : Exception
{
    public NotUtf8Exception()
    {
    }

    public NotUtf8Exception(string message)
        : base(message)
    {
    }

    public NotUtf8Exception(Exception inner)
        : base("The message is not UTF-8.", inner)
    {
    }

    public NotUtf8Exception(string message, Exception inner)
        : base(message, inner)
    {
    }
}

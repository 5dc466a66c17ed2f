using Microsoft.AspNetCore.Http;

namespace SecureDrop.Net.Core.Web;

/// <summary>
/// An urlencoded form over the endpoint's body limit gets 413, not 400. The antiforgery check reads the form first
/// and reports any failure to read it, the limit included, as a bad token (400); the source would be told the page
/// was stale when the truth is "too large". Only urlencoded bodies are watched: multipart ingress on /submit reads
/// its own body and answers 413 itself, and its stream is left untouched.
/// </summary>
internal static class OversizedForms
{
    public static bool IsForm(HttpRequest request) =>
        request.ContentType is { } type && type.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);

    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var original = context.Request.Body;
        await using var watched = new LimitWatchingStream(original);
        context.Request.Body = watched;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            context.Request.Body = original;
        }

        if (watched.LimitExceeded && !context.Response.HasStarted)
        {
            // Unwritten so far: the status code pages write the plain 413 page.
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        }
    }

    /// <summary>Passes reads through and remembers whether the server refused the body as too large.</summary>
    private sealed class LimitWatchingStream : Stream
    {
        private readonly Stream _inner;

        public LimitWatchingStream(Stream inner)
        {
            _inner = inner;
        }

        public bool LimitExceeded { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            try
            {
                return _inner.Read(buffer, offset, count);
            }
            catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                LimitExceeded = true;
                throw;
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                LimitExceeded = true;
                throw;
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

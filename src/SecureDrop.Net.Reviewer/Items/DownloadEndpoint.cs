using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using SecureDrop.Net.Core.Audit;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Submissions;
using SecureDrop.Net.Crypto;
using SecureDrop.Net.Reviewer.Sessions;

namespace SecureDrop.Net.Reviewer.Items;

/// <summary>Decrypted downloads, as attachments that the browser must not sniff or cache.</summary>
internal static class DownloadEndpoint
{
    public static IEndpointRouteBuilder MapDownloads(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/items/{id}/download", DownloadAsync);
        return endpoints;
    }

    private static async Task<IResult> DownloadAsync(string id, HttpContext context, SubmissionStore submissions, ItemReader reader, AuditLog audit)
    {
        var session = context.UnlockedSession();
        if (session is null)
        {
            return Results.Unauthorized();
        }

        var item = Ids.IsWellFormed(id) ? await submissions.ItemAsync(id, context.RequestAborted) : null;
        if (item is null)
        {
            return Results.NotFound();
        }

        await audit.RecordAsync(session.JournalistId, "download item", item.Id, context.RequestAborted);
        try
        {
            if (item.CiphertextBytes <= ItemReader.InMemoryLimit)
            {
                var decrypted = reader.Decrypt(item, session);
                return Results.File(decrypted.Content, "application/octet-stream", DownloadName(decrypted.FileName, item));
            }

            var name = reader.Verify(item, session);
            return Results.Stream(output => StreamVerifiedAsync(reader, item, session, output), "application/octet-stream", DownloadName(name, item));
        }
        catch (CryptoException exception)
        {
            return Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "This item cannot be decrypted", detail: exception.Message);
        }
    }

    private static async Task StreamVerifiedAsync(ItemReader reader, StoredItem item, UnlockedSession session, Stream output)
    {
        // BouncyCastle decrypts synchronously and ASP.NET forbids synchronous response writes: decrypt on a worker
        // thread into a pipe and copy the pipe to the response asynchronously.
        var pipe = new Pipe();
        var producer = Task.Run(async () =>
        {
            await using var writer = pipe.Writer.AsStream();
            reader.DecryptTo(item, session, writer);
        });
        await pipe.Reader.CopyToAsync(output);
        await producer;
    }

    private static string DownloadName(string literalName, StoredItem item) =>
        string.IsNullOrWhiteSpace(literalName) ? item.Id + (item.IsMessage ? ".txt" : ".bin") : literalName;
}

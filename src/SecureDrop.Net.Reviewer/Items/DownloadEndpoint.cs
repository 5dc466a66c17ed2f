using Microsoft.AspNetCore.Mvc;
using SecureDrop.Net.Core.Web;
using SecureDrop.Net.Reviewer.Sessions;

namespace SecureDrop.Net.Reviewer.Items;

/// <summary>
/// The console's download links. They are GETs, like any link, and change nothing but read flags and the audit
/// log (a HEAD changes nothing at all); the zip takes the chosen items from the query string of a plain form.
/// </summary>
internal static class DownloadEndpoint
{
    public static IEndpointRouteBuilder MapDownloads(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/items/{id}/download", (string id, HttpContext context, ItemDownloads downloads) =>
            WithSession(context, session => downloads.DecryptedAsync(id, session, IsHead(context), context.RequestAborted))).AnswerHeadLikeGet();
        endpoints.MapGet("/items/{id}/ciphertext", (string id, HttpContext context, ItemDownloads downloads) =>
            WithSession(context, session => downloads.CiphertextAsync(id, session, IsHead(context), context.RequestAborted))).AnswerHeadLikeGet();
        endpoints.MapGet("/items/{id}/scrubbed", (string id, HttpContext context, ItemDownloads downloads) =>
            WithSession(context, session => downloads.ScrubbedAsync(id, session, IsHead(context), context.RequestAborted))).AnswerHeadLikeGet();
        endpoints.MapGet("/sources/{id}/zip", (string id, [FromQuery(Name = "item")] string[]? item, HttpContext context, ItemDownloads downloads) =>
            WithSession(context, session => downloads.ZipAsync(id, item ?? [], session, IsHead(context), context.RequestAborted))).AnswerHeadLikeGet();
        return endpoints;
    }

    /// <summary>A HEAD changes nothing: no decryption, no audit entry, no read mark (see <see cref="ItemDownloads"/>).</summary>
    internal static bool IsHead(HttpContext context) => HttpMethods.IsHead(context.Request.Method);

    private static Task<IResult> WithSession(HttpContext context, Func<UnlockedSession, Task<IResult>> action)
    {
        var session = context.UnlockedSession();
        return session is null ? Task.FromResult(Results.Unauthorized()) : action(session);
    }
}

using Hangfire;
using Microsoft.AspNetCore.Mvc;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Web;
using SecureDrop.Net.Custody.Journalists;
using SecureDrop.Net.Reviewer.Items;
using SecureDrop.Net.Reviewer.Sessions;
using SecureDrop.Net.Reviewer.Sources;
using SecureDrop.Net.Vault.Audit;
using SecureDrop.Net.Vault.Jobs;
using SecureDrop.Net.Vault.Sources;
using SecureDrop.Net.Vault.Submissions;

namespace SecureDrop.Net.Reviewer.Api;

/// <summary>
/// The console's actions as JSON under <c>/api/v1</c>, for a desktop client: the same services as the pages, so
/// the same checks and the same audit entries. Every route but the token exchange needs a bearer token; admin
/// routes need an admin's. The OpenAPI document is at <c>/api/v1/openapi.json</c> (see <see cref="ApiDocument"/>).
/// Only GET (with HEAD, see HeadRequests) and POST are used: both apps refuse every other method before routing (see PlainErrors).
/// </summary>
internal static class ApiEndpoints
{
    public const string DocumentName = "v1";

    public static IServiceCollection AddConsoleApi(this IServiceCollection services)
    {
        services.AddSingleton<ApiSignIn>();
        services.AddApiDocument(DocumentName);
        return services;
    }

    public static IEndpointRouteBuilder MapConsoleApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi("/api/{documentName}/openapi.json").RequireAuthorization(ApiDocument.Policy).AnswerHeadLikeGet();
        endpoints.MapPost("/api/v1/tokens", (TokenRequest request, ApiSignIn signIn, HttpContext http) => signIn.SignInAsync(request, http.RequestAborted))
            .AllowAnonymous().WithName("CreateToken").WithSummary("Exchange passphrase and TOTP code for a short-lived bearer token.")
            .Produces<TokenResponse>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        var api = endpoints.MapGroup("/api/v1").RequireAuthorization(BearerTokens.Policy).AnswerHeadLikeGet();
        api.MapPost("/tokens/current/revoke", (HttpContext http, JournalistSessions sessions) =>
        {
            sessions.End(http.User.FindFirst(ConsoleAuthentication.SessionClaim)?.Value);
            return Results.NoContent();
        }).WithSummary("Revoke this token and wipe its keys from the server's memory.").Produces(StatusCodes.Status204NoContent);

        api.MapGet("/sources", ListAsync).WithSummary("Sources, starred first then most recent; filter and page with 'next'.")
            .Produces<SourcePageDto>().ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/sources/{id}", ConversationAsync).WithSummary("A source's conversation, messages decrypted.")
            .Produces<ConversationDto>().Produces(StatusCodes.Status404NotFound);
        api.MapGet("/items/{id}", ItemAsync).WithSummary("One item: a message's text or a file's name, size and type.")
            .Produces<ItemDto>().Produces(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        api.MapGet("/items/{id}/download", (string id, HttpContext http, ItemDownloads downloads) => downloads.DecryptedAsync(id, Session(http), DownloadEndpoint.IsHead(http), http.RequestAborted))
            .WithSummary("The item decrypted: a file with its original name, or a message as text.")
            .Produces<Stream>(StatusCodes.Status200OK, "application/octet-stream").ProducesItemProblems();
        api.MapGet("/items/{id}/ciphertext", (string id, HttpContext http, ItemDownloads downloads) => downloads.CiphertextAsync(id, Session(http), DownloadEndpoint.IsHead(http), http.RequestAborted))
            .WithSummary("The item exactly as stored: an OpenPGP message for an air-gapped machine.")
            .Produces<Stream>(StatusCodes.Status200OK, "application/pgp-encrypted").ProducesItemProblems();
        api.MapGet("/items/{id}/scrubbed", (string id, HttpContext http, ItemDownloads downloads) => downloads.ScrubbedAsync(id, Session(http), DownloadEndpoint.IsHead(http), http.RequestAborted))
            .WithSummary("The file decrypted with its metadata removed by mat2.")
            .Produces<Stream>(StatusCodes.Status200OK, "application/octet-stream").ProducesItemProblems()
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType).ProducesProblem(StatusCodes.Status501NotImplemented);
        api.MapGet("/sources/{id}/zip", (string id, [FromQuery(Name = "item")] string[]? item, HttpContext http, ItemDownloads downloads) =>
            downloads.ZipAsync(id, item ?? [], Session(http), DownloadEndpoint.IsHead(http), http.RequestAborted))
            .WithSummary("The chosen items of a source (item=ID, repeated) decrypted into one zip.")
            .Produces<Stream>(StatusCodes.Status200OK, "application/zip").ProducesItemProblems().ProducesProblem(StatusCodes.Status400BadRequest);

        api.MapPost("/sources/{id}/star", async (string id, StarRequest body, HttpContext http, SourceActions actions) =>
            ApiResults.From(await actions.StarAsync(Session(http), id, body.Starred, http.RequestAborted))).WithSummary("Star or unstar a source.").ProducesAction();
        api.MapPost("/sources/{id}/status", async (string id, StatusRequest body, HttpContext http, SourceActions actions) =>
            ApiResults.From(await actions.StatusAsync(Session(http), id, body.Status, http.RequestAborted))).WithSummary("Set a source's status.").ProducesAction();
        api.MapPost("/sources/{id}/labels", async (string id, LabelRequest body, HttpContext http, SourceActions actions) =>
            ApiResults.From(await actions.AddLabelAsync(Session(http), id, body.Label, http.RequestAborted))).WithSummary("Add a label to a source.").ProducesAction();
        api.MapPost("/sources/{id}/labels/{label}/remove", async (string id, string label, HttpContext http, SourceActions actions) =>
            ApiResults.From(await actions.RemoveLabelAsync(Session(http), id, label, http.RequestAborted))).WithSummary("Remove a label from a source.").ProducesAction();
        api.MapPost("/sources/{id}/read", async (string id, ReadRequest body, HttpContext http, SourceActions actions) =>
            ApiResults.From(await actions.SetReadAsync(Session(http), id, body.Item, body.Read, http.RequestAborted))).WithSummary("Mark an item of a source read or unread.").ProducesAction();

        api.MapPost("/sources/{id}/delete", DeleteSourceAsync).WithSummary("Delete a source and everything it sent, for good (queued for the worker).")
            .Produces(StatusCodes.Status202Accepted).Produces(StatusCodes.Status404NotFound);
        api.MapPost("/submissions/{id}/delete", DeleteSubmissionAsync).WithSummary("Delete one submission for good (queued for the worker).")
            .Produces(StatusCodes.Status202Accepted).Produces(StatusCodes.Status404NotFound);

        var admin = api.MapGroup("/admin").RequireAuthorization(BearerTokens.AdminPolicy);
        admin.MapGet("/journalists", async (JournalistStore journalists, HttpContext http) =>
            (await journalists.ListAsync(http.RequestAborted)).Select(j => new JournalistDto(j.Id, j.Username, j.IsAdmin, j.Disabled, j.Locked, j.TotpEnrolled)).ToList())
            .WithSummary("Every journalist account (admins only).");
        admin.MapGet("/audit/verify", async (AuditLog audit, HttpContext http) =>
        {
            var check = await audit.VerifyAsync(http.RequestAborted);
            return new AuditCheckDto(check.Intact, check.Entries, check.FirstBadPosition, check.Problem);
        }).WithSummary("Check the audit log's hash chain (admins only).");
        return endpoints;
    }

    /// <summary>What a single-item route answers besides its content: no such item, or one that does not decrypt.</summary>
    private static RouteHandlerBuilder ProducesItemProblems(this RouteHandlerBuilder route) =>
        route.ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    /// <summary>A source action: done (204), no such source (404), or refused with its reason (400).</summary>
    private static RouteHandlerBuilder ProducesAction(this RouteHandlerBuilder route) =>
        route.Produces(StatusCodes.Status204NoContent).Produces(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status400BadRequest);

    private static UnlockedSession Session(HttpContext http) => http.UnlockedSession() ?? throw new InvalidOperationException("The API policy guarantees a token session.");

    private static async Task<IResult> ListAsync(HttpContext http, SourceList list, bool? starred, bool? unread, string? label, string? status, string? after)
    {
        var cursor = string.IsNullOrEmpty(after) ? null : SourceCursor.Parse(after);
        if (!string.IsNullOrEmpty(after) && cursor is null)
        {
            return ApiResults.Problem(StatusCodes.Status400BadRequest, "'after' is not a cursor this API returned.");
        }

        if (status is not null && !SourceStatus.IsKnown(status))
        {
            return ApiResults.Problem(StatusCodes.Status400BadRequest, $"A status is one of: {string.Join(", ", SourceStatus.All)}.");
        }

        var normalizedLabel = string.IsNullOrEmpty(label) ? null : SourceTriage.NormalizeLabel(label);
        var page = await list.PageAsync(new SourceFilter(starred ?? false, unread ?? false, normalizedLabel, status, cursor), http.RequestAborted);
        return Results.Ok(new SourcePageDto([.. page.Sources.Select(SourceDto.From)], page.Next?.ToString()));
    }

    private static async Task<IResult> ConversationAsync(string id, HttpContext http, Conversation conversation)
    {
        var opened = await conversation.OpenAsync(id, Session(http), http.RequestAborted);
        return opened is null
            ? Results.NotFound()
            : Results.Ok(new ConversationDto(SourceDto.From(opened.Source), [.. opened.Entries.Select(ItemDto.From)]));
    }

    private static async Task<IResult> ItemAsync(string id, HttpContext http, ItemStore submissions, ItemReader reader, AuditLog audit)
    {
        var item = Ids.IsWellFormed(id) ? await submissions.ItemAsync(id, http.RequestAborted) : null;
        if (item is null)
        {
            return Results.NotFound();
        }

        var session = Session(http);
        await audit.RecordAsync(session.JournalistId, "view item", item.Id, http.RequestAborted);
        try
        {
            string? text = null;
            if (item.IsMessage)
            {
                using var message = reader.DecryptMessage(item, session);
                text = System.Text.Encoding.UTF8.GetString(message.Written);
            }

            var header = item.IsMessage ? null : await reader.HeaderAsync(item, session, http.RequestAborted);
            return Results.Ok(ItemDto.From(new ConversationEntry(item, text, header, null)));
        }
        catch (Crypto.CryptoException exception)
        {
            return ApiResults.Problem(StatusCodes.Status422UnprocessableEntity, exception.Message);
        }
    }

    private static async Task<IResult> DeleteSourceAsync(string id, HttpContext http, SourceRecords sources, IBackgroundJobClient jobs, AuditLog audit)
    {
        if (!Ids.IsWellFormed(id) || await sources.GetAsync(id, http.RequestAborted) is null)
        {
            return Results.NotFound();
        }

        await audit.RecordAsync(Session(http).JournalistId, "delete source", id, http.RequestAborted);
        jobs.Enqueue<DeleteJob>(job => job.DeleteSourceAsync(id));
        return Results.Accepted();
    }

    private static async Task<IResult> DeleteSubmissionAsync(string id, HttpContext http, ItemStore submissions, IBackgroundJobClient jobs, AuditLog audit)
    {
        if (!Ids.IsWellFormed(id) || (await submissions.ItemIdsAsync(id, http.RequestAborted)).Count == 0)
        {
            return Results.NotFound();
        }

        await audit.RecordAsync(Session(http).JournalistId, "delete submission", id, http.RequestAborted);
        jobs.Enqueue<DeleteJob>(job => job.DeleteSubmissionAsync(id));
        return Results.Accepted();
    }
}

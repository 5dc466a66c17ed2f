using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SecureDrop.Net.Core.Sources;
using SecureDrop.Net.Crypto;
using SecureDrop.Net.Submission.Sessions;

namespace SecureDrop.Net.Submission.Pages;

/// <summary>
/// Shows a new codename; the source exists only once they continue, so an abandoned page leaves nothing behind.
/// The codename travels back in the form inside a time-limited, authenticated ticket, which proves the server
/// generated it (a source cannot pick a weak one) and keeps it out of any cookie or server-side store.
/// </summary>
[RequestSizeLimit(16 * 1024)]
internal sealed class GenerateModel : PageModel
{
    private static readonly TimeSpan TicketLifetime = TimeSpan.FromHours(1);
    private readonly ITimeLimitedDataProtector _tickets;
    private readonly SourceIdentity _identity;
    private readonly SourceStore _sources;
    private readonly SourceSessions _sessions;

    public GenerateModel(IDataProtectionProvider protection, SourceIdentity identity, SourceStore sources, SourceSessions sessions)
    {
        _tickets = protection.CreateProtector("SecureDrop.Net.Submission.CodenameTicket").ToTimeLimitedDataProtector();
        _identity = identity;
        _sources = sources;
        _sessions = sessions;
    }

    public string Codename { get; private set; } = "";

    public string Ticket { get; private set; } = "";

    public void OnGet()
    {
        Codename = Crypto.Codename.Generate();
        Ticket = _tickets.Protect(Codename, TicketLifetime);
    }

    public async Task<IActionResult> OnPostAsync([FromForm(Name = "ticket")] string? ticket)
    {
        string codename;
        try
        {
            codename = _tickets.Unprotect(ticket ?? "");
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return new ContentResult
            {
                StatusCode = StatusCodes.Status400BadRequest,
                ContentType = "text/plain; charset=utf-8",
                Content = "This page has expired. Go back to the start to get a new codename.",
            };
        }

        var lookupId = _identity.LookupId(Crypto.Codename.Normalize(codename));
        var sourceId = await _sources.FindIdByLookupAsync(lookupId, HttpContext.RequestAborted)
            ?? await _sources.CreateAsync(lookupId, HttpContext.RequestAborted);
        _sessions.Start(HttpContext, sourceId);
        return Redirect("/submit");
    }
}

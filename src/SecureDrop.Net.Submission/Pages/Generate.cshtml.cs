using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SecureDrop.Net.Submission.Abuse;
using SecureDrop.Net.Submission.Localization;
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
    private readonly SourceSignIn _signIn;

    public GenerateModel(IDataProtectionProvider protection, SourceSignIn signIn)
    {
        _tickets = protection.CreateProtector("SecureDrop.Net.Submission.CodenameTicket").ToTimeLimitedDataProtector();
        _signIn = signIn;
    }

    public string Codename { get; private set; } = "";

    public string Ticket { get; private set; } = "";

    /// <summary>The language of the codename's words (the page's, where it has a list of its own).</summary>
    public string Language { get; private set; } = "";

    public int WordCount { get; private set; }

    public bool Expired { get; private set; }

    /// <summary>The ticket was used before: its source exists.</summary>
    public bool Spent { get; private set; }

    public void OnGet()
    {
        // The source's own language: a Korean page draws a Korean codename. Sign-in accepts every language's list, so
        // nothing needs to remember which one this was.
        var list = Crypto.Codename.ForLanguage(System.Globalization.CultureInfo.CurrentUICulture.Name);
        Codename = Crypto.Codename.Generate(list);
        Language = list.Language;
        WordCount = list.WordCount;
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
            Expired = true;
            return new PageResult { StatusCode = StatusCodes.Status400BadRequest };
        }

        // A ticket starts one source, once. Used again (replayed, back button, double click) it creates nothing and
        // signs nobody in: the codename it carries is already a source's, and the way back in is /login.
        var result = await _signIn.SignInAsync(HttpContext, codename, create: true);
        if (result == SourceSignInResult.AlreadyExists)
        {
            Spent = true;
            return new PageResult { StatusCode = StatusCodes.Status409Conflict };
        }

        if (result != SourceSignInResult.SignedIn)
        {
            await AbuseProtection.Busy(HttpContext);
            return new EmptyResult();
        }

        return Redirect(FrontEndLocalization.Href(HttpContext, "/submit"));
    }
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SecureDrop.Net.Submission.Localization;
using SecureDrop.Net.Submission.Sessions;

namespace SecureDrop.Net.Submission.Pages;

/// <summary>Ends the session at once: the server forgets it and the cookie is deleted.</summary>
internal sealed class LogoutModel : PageModel
{
    private readonly SourceSessions _sessions;

    public LogoutModel(SourceSessions sessions)
    {
        _sessions = sessions;
    }

    public IActionResult OnGet() => Redirect(FrontEndLocalization.Href(HttpContext, "/"));

    public void OnPost()
    {
        _sessions.End(HttpContext);
    }
}

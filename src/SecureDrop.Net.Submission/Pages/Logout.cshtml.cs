using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SecureDrop.Net.Submission.Sessions;

namespace SecureDrop.Net.Submission.Pages;

internal sealed class LogoutModel : PageModel
{
    private readonly SourceSessions _sessions;

    public LogoutModel(SourceSessions sessions)
    {
        _sessions = sessions;
    }

    public IActionResult OnGet() => Redirect("/");

    public void OnPost()
    {
        _sessions.End(HttpContext);
    }
}

using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SecureDrop.Net.Reviewer.Sessions;

namespace SecureDrop.Net.Reviewer.Pages;

/// <summary>Sign-out wipes the session's keys from memory, so the cookie is worthless afterwards.</summary>
[AllowAnonymous]
internal sealed class LogoutModel : PageModel
{
    private readonly JournalistSessions _sessions;

    public LogoutModel(JournalistSessions sessions)
    {
        _sessions = sessions;
    }

    public IActionResult OnGet() => Redirect("/login");

    public async Task<IActionResult> OnPostAsync()
    {
        _sessions.End(User.FindFirstValue(ConsoleAuthentication.SessionClaim));
        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return Redirect("/login");
    }
}

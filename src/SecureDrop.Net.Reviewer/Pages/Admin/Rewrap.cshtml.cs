using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Crypto;
using SecureDrop.Net.Custody.Keys;
using SecureDrop.Net.Reviewer.Keys;
using SecureDrop.Net.Reviewer.Sessions;

namespace SecureDrop.Net.Reviewer.Pages.Admin;

/// <summary>
/// Starts a re-wrap served by this admin's session (<see cref="ConsoleRewrap"/>). The passphrase is typed again
/// here: the check is the sign-in's (<see cref="PassphraseReentry"/>: Argon2id, throttled, failures counted towards
/// the lockout and audit-logged),
/// and the vault key it opens is the one the re-wrap holds, apart from the session's own copy.
/// </summary>
[Authorize(Policy = ConsoleAuthentication.AdminPolicy)]
[RequestSizeLimit(16 * 1024)]
internal sealed class RewrapModel : PageModel
{
    private readonly ConsoleRewrap _rewrap;
    private readonly PassphraseReentry _reentry;

    public RewrapModel(ConsoleRewrap rewrap, PassphraseReentry reentry)
    {
        _rewrap = rewrap;
        _reentry = reentry;
    }

    public string Message { get; private set; } = "";

    public bool IsError { get; private set; }

    public IActionResult OnGet() => Redirect("/admin/keys");

    public async Task<IActionResult> OnPostAsync([FromForm(Name = "passphrase")] string? passphrase)
    {
        var session = HttpContext.UnlockedSession()!;
        var sessionId = User.FindFirstValue(ConsoleAuthentication.SessionClaim)!;
        if (_reentry.MustWait(session))
        {
            return Show(StatusCodes.Status429TooManyRequests, "Too many attempts. Wait a minute, then try again. No re-wrap was started.");
        }

        if (_rewrap.ServingSession is not null || RewrapRuns.ReadStatus(_rewrap.Storage).Running)
        {
            return Show(StatusCodes.Status409Conflict, "A re-wrap is already running (in this console or with sdnet keys rewrap); its progress is on the Keys page. Nothing else was started.");
        }

        var vaultKey = await _reentry.CheckAsync(session, passphrase, HttpContext.RequestAborted);
        if (vaultKey is null)
        {
            return Show(StatusCodes.Status400BadRequest, "That passphrase is wrong. No re-wrap was started.");
        }

        RewrapStart result;
        try
        {
            (result, _) = await _rewrap.StartAsync(sessionId, session.JournalistId, vaultKey, HttpContext.RequestAborted);
        }
        catch (Exception exception) when (exception is CryptoException or DataDirectoryException)
        {
            // A damaged or missing sealed key file: the message names it and the fix.
            return Show(StatusCodes.Status500InternalServerError, exception.Message + " No re-wrap was started.");
        }

        return result switch
        {
            RewrapStart.Started => Redirect("/admin/keys?rewrap=started"),
            RewrapStart.NothingToDo => Show(StatusCodes.Status200OK, "Nothing to re-wrap: every stored item, metadata header and reply is on the active key."),
            _ => Show(StatusCodes.Status409Conflict, "A re-wrap is already running in this console; its progress is on the Keys page. Nothing else was started."),
        };
    }

    private PageResult Show(int status, string message)
    {
        Message = message;
        IsError = status >= 400;
        return new PageResult { StatusCode = status };
    }
}

using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SecureDrop.Net.Core.Journalists;
using SecureDrop.Net.Core.Keys;
using SecureDrop.Net.Reviewer.Sessions;

namespace SecureDrop.Net.Reviewer.Pages;

/// <summary>
/// Passphrase sign-in. The passphrase unwraps the vault key, which opens the newsroom secret keys for this
/// session only. Unknown names cost the same Argon2id time as wrong passphrases.
/// </summary>
[AllowAnonymous]
[RequestSizeLimit(16 * 1024)]
internal sealed partial class LoginModel : PageModel
{
    private readonly JournalistStore _journalists;
    private readonly NewsroomKeys _keys;
    private readonly JournalistSessions _sessions;
    private readonly ILogger<LoginModel> _logger;

    public LoginModel(JournalistStore journalists, NewsroomKeys keys, JournalistSessions sessions, ILogger<LoginModel> logger)
    {
        _journalists = journalists;
        _keys = keys;
        _sessions = sessions;
        _logger = logger;
    }

    public string? Error { get; private set; }

    public string Username { get; private set; } = "";

    public async Task<IActionResult> OnPostAsync([FromForm(Name = "username")] string? username, [FromForm(Name = "passphrase")] string? passphrase)
    {
        Username = (username ?? "").Trim();
        if (Username.Length is 0 or > 64 || string.IsNullOrEmpty(passphrase) || passphrase.Length > 1024)
        {
            return Refuse();
        }

        var account = await _journalists.FindByUsernameAsync(Username, HttpContext.RequestAborted);
        if (account is null)
        {
            JournalistCredentials.SpendEquivalentTime(passphrase);
            return Refuse();
        }

        var vaultKey = JournalistCredentials.Unlock(passphrase, account.Secrets, account.Id);
        if (vaultKey is null)
        {
            LogFailedSignIn(account.Id);
            return Refuse();
        }

        var keys = _keys.UnsealSecretKeys(vaultKey);
        var sessionId = _sessions.Start(account.Id, account.Username, account.IsAdmin, vaultKey, keys);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
            ConsoleAuthentication.Principal(sessionId, account.Username, account.IsAdmin));
        LogSignedIn(account.Id);
        return Redirect("/");
    }

    private PageResult Refuse()
    {
        Error = "Unknown user name or wrong passphrase.";
        return new PageResult { StatusCode = StatusCodes.Status400BadRequest };
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Journalist {JournalistId} signed in")]
    private partial void LogSignedIn(string journalistId);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Failed sign-in for journalist {JournalistId}")]
    private partial void LogFailedSignIn(string journalistId);
}

using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SecureDrop.Net.Custody.Journalists;
using SecureDrop.Net.Custody.Keys;
using SecureDrop.Net.Reviewer.Sessions;

namespace SecureDrop.Net.Reviewer.Pages;

/// <summary>
/// Passphrase sign-in, the first of two factors. The passphrase unwraps the vault key, which opens the newsroom
/// secret keys for this session only; nothing is reachable until the TOTP step. An unknown name, a wrong passphrase
/// and a locked or disabled account (whatever passphrase is typed) get the same answer after the same Argon2id work,
/// so the page tells a guesser nothing, not even that a guess was right. Wrong passphrases make the name wait
/// (<see cref="SignInFailures"/>); they never lock the account, which only failures past the passphrase do.
/// </summary>
[AllowAnonymous]
[RequestSizeLimit(16 * 1024)]
internal sealed partial class LoginModel : PageModel
{
    private readonly JournalistStore _journalists;
    private readonly SealedNewsroomKeys _keys;
    private readonly JournalistSessions _sessions;
    private readonly SignInThrottle _throttle;
    private readonly SignInFailures _failures;
    private readonly ILogger<LoginModel> _logger;

    public LoginModel(JournalistStore journalists, SealedNewsroomKeys keys, JournalistSessions sessions, SignInThrottle throttle, SignInFailures failures, ILogger<LoginModel> logger)
    {
        _journalists = journalists;
        _keys = keys;
        _sessions = sessions;
        _throttle = throttle;
        _failures = failures;
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

        if (_throttle.MustWait(Username))
        {
            Error = "Too many attempts for this user name. Wait a minute, then try again.";
            return new PageResult { StatusCode = StatusCodes.Status429TooManyRequests };
        }

        var account = await _journalists.FindByUsernameAsync(Username, HttpContext.RequestAborted);
        if (account is null)
        {
            JournalistCredentials.SpendEquivalentTime(passphrase);
            await _failures.RecordUnauthenticatedAsync(Username, null, "failed sign-in", HttpContext.RequestAborted);
            return Refuse();
        }

        // The derivation runs for a locked or disabled account too, and whatever it finds, such an account is refused
        // exactly as a wrong passphrase is: same work, same records, same answer.
        var vaultKey = JournalistCredentials.Unlock(passphrase, account.Secrets, account.Id);
        if (vaultKey is null || account.Locked || account.Disabled)
        {
            if (vaultKey is not null)
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(vaultKey);
            }

            await _failures.RecordUnauthenticatedAsync(Username, account.Id, "failed sign-in", HttpContext.RequestAborted);
            LogFailedSignIn(account.Id);
            return Refuse();
        }

        var keys = _keys.UnsealSecretKeys(vaultKey);
        var sessionId = _sessions.Start(account.Id, account.Username, account.IsAdmin, vaultKey, keys);
        _sessions.Find(sessionId)!.TotpSecretSealed = account.TotpSecretSealed;
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
            ConsoleAuthentication.Principal(sessionId, account.Username, account.IsAdmin));
        LogPassphraseAccepted(account.Id);
        return Redirect(SecondFactorModel.Path);
    }

    private PageResult Refuse()
    {
        Error = "Unknown user name or wrong passphrase, or the account is locked or disabled (an admin can tell which, and unlock it).";
        return new PageResult { StatusCode = StatusCodes.Status400BadRequest };
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Journalist {JournalistId} passed the passphrase step")]
    private partial void LogPassphraseAccepted(string journalistId);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Failed sign-in for journalist {JournalistId}")]
    private partial void LogFailedSignIn(string journalistId);
}

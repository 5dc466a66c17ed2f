using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc;
using SecureDrop.Net.Core.Keys;
using SecureDrop.Net.Custody.Journalists;
using SecureDrop.Net.Custody.Keys;
using SecureDrop.Net.Reviewer.Sessions;
using SecureDrop.Net.Vault.Audit;

namespace SecureDrop.Net.Reviewer.Pages;

/// <summary>
/// Passphrase sign-in, the first of two factors. The passphrase unwraps the vault key, which opens the newsroom
/// secret keys for this session only; nothing is reachable until the TOTP step. Unknown names cost the same
/// Argon2id time as wrong passphrases; repeated failures make the name wait, then lock the account.
/// </summary>
[AllowAnonymous]
[RequestSizeLimit(16 * 1024)]
internal sealed partial class LoginModel : PageModel
{
    private readonly JournalistStore _journalists;
    private readonly SealedNewsroomKeys _keys;
    private readonly JournalistSessions _sessions;
    private readonly SignInThrottle _throttle;
    private readonly AuditLog _audit;
    private readonly ILogger<LoginModel> _logger;

    public LoginModel(JournalistStore journalists, SealedNewsroomKeys keys, JournalistSessions sessions, SignInThrottle throttle, AuditLog audit, ILogger<LoginModel> logger)
    {
        _journalists = journalists;
        _keys = keys;
        _sessions = sessions;
        _throttle = throttle;
        _audit = audit;
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
            _throttle.RecordFailure(Username);
            return Refuse();
        }

        var vaultKey = JournalistCredentials.Unlock(passphrase, account.Secrets, account.Id);
        if (vaultKey is null)
        {
            _throttle.RecordFailure(Username);
            await _journalists.RecordFailedAttemptAsync(account.Id, SignInThrottle.LockAfterFailures, HttpContext.RequestAborted);
            await _audit.RecordAsync(account.Id, "failed sign-in", cancellationToken: HttpContext.RequestAborted);
            LogFailedSignIn(account.Id);
            return Refuse();
        }

        if (account.Locked || account.Disabled)
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(vaultKey);
            Error = account.Disabled
                ? "This account is disabled."
                : "This account is locked after too many failed attempts. An admin can unlock it.";
            return new PageResult { StatusCode = StatusCodes.Status403Forbidden };
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
        Error = "Unknown user name or wrong passphrase.";
        return new PageResult { StatusCode = StatusCodes.Status400BadRequest };
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Journalist {JournalistId} passed the passphrase step")]
    private partial void LogPassphraseAccepted(string journalistId);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Failed sign-in for journalist {JournalistId}")]
    private partial void LogFailedSignIn(string journalistId);
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SecureDrop.Net.Core.Audit;
using SecureDrop.Net.Core.Journalists;
using SecureDrop.Net.Reviewer.Sessions;

namespace SecureDrop.Net.Reviewer.Pages;

/// <summary>
/// Typing the passphrase again before an admin or key action (see <see cref="RecentPassphraseAttribute"/>). The
/// check is the sign-in's (Argon2id, throttled, failures counted towards the lockout and audit-logged).
/// </summary>
[RequestSizeLimit(16 * 1024)]
internal sealed class ReauthenticateModel : PageModel
{
    private readonly JournalistStore _journalists;
    private readonly SignInThrottle _throttle;
    private readonly AuditLog _audit;
    private readonly TimeProvider _time;

    public ReauthenticateModel(JournalistStore journalists, SignInThrottle throttle, AuditLog audit, TimeProvider time)
    {
        _journalists = journalists;
        _throttle = throttle;
        _audit = audit;
        _time = time;
    }

    [FromQuery(Name = "return")]
    public string? ReturnPath { get; set; }

    public string? Error { get; private set; }

    public string SafeReturnPath => ReturnPath is { Length: > 1 } path && path[0] == '/' && path[1] is not ('/' or '\\') && !path.Contains("://", StringComparison.Ordinal)
        ? path
        : "/";

    public async Task<IActionResult> OnPostAsync([FromForm(Name = "passphrase")] string? passphrase)
    {
        var session = HttpContext.UnlockedSession()!;
        if (_throttle.MustWait(session.Username))
        {
            Error = "Too many attempts. Wait a minute, then try again.";
            return new PageResult { StatusCode = StatusCodes.Status429TooManyRequests };
        }

        var account = await _journalists.FindByUsernameAsync(session.Username, HttpContext.RequestAborted);
        var vaultKey = account is null || string.IsNullOrEmpty(passphrase) || passphrase.Length > 1024
            ? null
            : JournalistCredentials.Unlock(passphrase, account.Secrets, account.Id);
        if (vaultKey is null)
        {
            _throttle.RecordFailure(session.Username);
            await _journalists.RecordFailedAttemptAsync(session.JournalistId, SignInThrottle.LockAfterFailures, HttpContext.RequestAborted);
            await _audit.RecordAsync(session.JournalistId, "failed passphrase re-entry", cancellationToken: HttpContext.RequestAborted);
            Error = "That passphrase is wrong.";
            return new PageResult { StatusCode = StatusCodes.Status400BadRequest };
        }

        System.Security.Cryptography.CryptographicOperations.ZeroMemory(vaultKey);
        session.PassphraseEnteredAt = _time.GetUtcNow();
        await _audit.RecordAsync(session.JournalistId, "passphrase re-entered", cancellationToken: HttpContext.RequestAborted);
        return Redirect(SafeReturnPath);
    }
}

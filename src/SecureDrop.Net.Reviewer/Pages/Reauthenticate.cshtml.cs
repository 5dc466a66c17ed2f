using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SecureDrop.Net.Reviewer.Sessions;
using SecureDrop.Net.Vault.Audit;

namespace SecureDrop.Net.Reviewer.Pages;

/// <summary>
/// Typing the passphrase again before an admin or key action (see <see cref="RecentPassphraseAttribute"/>). The
/// check is the sign-in's (<see cref="PassphraseReentry"/>: Argon2id, throttled, failures counted towards the lockout
/// and audit-logged).
/// </summary>
[RequestSizeLimit(16 * 1024)]
internal sealed class ReauthenticateModel : PageModel
{
    private readonly PassphraseReentry _reentry;
    private readonly AuditLog _audit;

    public ReauthenticateModel(PassphraseReentry reentry, AuditLog audit)
    {
        _reentry = reentry;
        _audit = audit;
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
        if (_reentry.MustWait(session))
        {
            Error = "Too many attempts. Wait a minute, then try again.";
            return new PageResult { StatusCode = StatusCodes.Status429TooManyRequests };
        }

        var vaultKey = await _reentry.CheckAsync(session, passphrase, HttpContext.RequestAborted);
        if (vaultKey is null)
        {
            Error = "That passphrase is wrong.";
            return new PageResult { StatusCode = StatusCodes.Status400BadRequest };
        }

        System.Security.Cryptography.CryptographicOperations.ZeroMemory(vaultKey);
        await _audit.RecordAsync(session.JournalistId, "passphrase re-entered", cancellationToken: HttpContext.RequestAborted);
        return Redirect(SafeReturnPath);
    }
}

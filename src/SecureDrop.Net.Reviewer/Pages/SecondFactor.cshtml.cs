using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using QRCoder;
using SecureDrop.Net.Custody.Journalists;
using SecureDrop.Net.Reviewer.Sessions;
using SecureDrop.Net.Vault.Audit;

namespace SecureDrop.Net.Reviewer.Pages;

/// <summary>
/// The mandatory second factor: enrolment at first sign-in (the QR code is rendered on the server as inline SVG,
/// so no script or remote image is needed), then a TOTP code at every sign-in, each code accepted once.
/// </summary>
[Authorize(Policy = ConsoleAuthentication.SecondFactorPolicy)]
[RequestSizeLimit(16 * 1024)]
internal sealed partial class SecondFactorModel : PageModel
{
    public const string Path = "/login/second-factor";
    private readonly JournalistStore _journalists;
    private readonly SignInThrottle _throttle;
    private readonly SignInFailures _failures;
    private readonly JournalistSessions _sessions;
    private readonly AuditLog _audit;
    private readonly TimeProvider _time;
    private readonly ILogger<SecondFactorModel> _logger;

    public SecondFactorModel(JournalistStore journalists, SignInThrottle throttle, SignInFailures failures, JournalistSessions sessions, AuditLog audit, TimeProvider time, ILogger<SecondFactorModel> logger)
    {
        _failures = failures;
        _sessions = sessions;
        _journalists = journalists;
        _throttle = throttle;
        _audit = audit;
        _time = time;
        _logger = logger;
    }

    public bool Enrolling { get; private set; }

    public string? QrSvg { get; private set; }

    public string? SecretText { get; private set; }

    public string? Error { get; private set; }

    public IActionResult OnGet()
    {
        Show(HttpContext.UnlockedSession()!);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync([FromForm(Name = "code")] string? code)
    {
        var session = HttpContext.UnlockedSession()!;
        var now = _time.GetUtcNow();
        if (session.TotpSecretSealed is null)
        {
            var pending = session.PendingTotpSecret;
            var step = pending is null ? null : TotpCodes.MatchingStep(pending, code, now);
            if (step is null)
            {
                return await RefuseAsync(session);
            }

            var sealedSecret = TotpCodes.Seal(pending!, session.VaultKey, session.JournalistId);
            await _journalists.EnrolTotpAsync(session.JournalistId, sealedSecret, step.Value, HttpContext.RequestAborted);
            session.TotpSecretSealed = sealedSecret;
            session.PendingTotpSecret = null;
            LogEnrolled(session.JournalistId);
        }
        else
        {
            var secret = TotpCodes.Open(session.TotpSecretSealed, session.VaultKey, session.JournalistId);
            var step = TotpCodes.MatchingStep(secret, code, now);
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(secret);
            if (step is null || !await _journalists.ClaimTotpStepAsync(session.JournalistId, step.Value, HttpContext.RequestAborted))
            {
                return await RefuseAsync(session);
            }
        }

        session.SecondFactorDone = true;
        _throttle.Clear(session.Username);
        await _journalists.ResetFailedAttemptsAsync(session.JournalistId, HttpContext.RequestAborted);
        await _audit.RecordAsync(session.JournalistId, "sign-in", cancellationToken: HttpContext.RequestAborted);
        LogSignedIn(session.JournalistId);
        return Redirect("/");
    }

    private async Task<IActionResult> RefuseAsync(UnlockedSession session)
    {
        // Past the passphrase: counted towards the lock, and a lock ends this half-open session at once, or it could
        // go on guessing codes against a locked account.
        if (await _failures.RecordAuthenticatedAsync(session.Username, session.JournalistId, "failed second factor", HttpContext.RequestAborted))
        {
            _sessions.End(User.FindFirstValue(ConsoleAuthentication.SessionClaim));
            await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Redirect("/login");
        }

        Show(session);
        Error = "That code is wrong, expired or already used. Enter the current code.";
        return new PageResult { StatusCode = StatusCodes.Status400BadRequest };
    }

    private void Show(UnlockedSession session)
    {
        Enrolling = session.TotpSecretSealed is null;
        if (!Enrolling)
        {
            return;
        }

        session.PendingTotpSecret ??= TotpCodes.NewSecret();
        // Groups of four, as authenticator apps and password managers show keys: easier to type and to check.
        SecretText = string.Join(' ', TotpCodes.Display(session.PendingTotpSecret).Chunk(4).Select(group => new string(group)));
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(TotpCodes.ProvisioningUri(session.PendingTotpSecret, session.Username).ToString(), QRCodeGenerator.ECCLevel.M);
        QrSvg = new SvgQRCode(data).GetGraphic(4);
    }

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Journalist {JournalistId} enrolled an authenticator")]
    private partial void LogEnrolled(string journalistId);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Journalist {JournalistId} signed in")]
    private partial void LogSignedIn(string journalistId);
}

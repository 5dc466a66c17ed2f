using System.Security.Cryptography;
using SecureDrop.Net.Custody.Journalists;
using SecureDrop.Net.Custody.Keys;
using SecureDrop.Net.Reviewer.Sessions;
using SecureDrop.Net.Vault.Audit;

namespace SecureDrop.Net.Reviewer.Api;

/// <summary>
/// Exchanges passphrase and a TOTP code for a short-lived bearer token, with the console's rules: Argon2id on
/// unknown names too, one answer for an unknown name, a wrong passphrase or code and a locked or disabled account, a
/// wrong passphrase slowing the name down and only a wrong code (after the right passphrase) counting towards the
/// lock (<see cref="SignInFailures"/>), each code once, and only accounts that have enrolled an authenticator in the
/// console (enrolment needs the QR page, not an API).
/// </summary>
internal sealed partial class ApiSignIn
{
    private const string Refusal = "Unknown user name, wrong passphrase or wrong code, or the account is locked or disabled.";
    private readonly JournalistStore _journalists;
    private readonly SealedNewsroomKeys _keys;
    private readonly JournalistSessions _sessions;
    private readonly SignInThrottle _throttle;
    private readonly SignInFailures _failures;
    private readonly AuditLog _audit;
    private readonly TimeProvider _time;
    private readonly ILogger<ApiSignIn> _logger;

    public ApiSignIn(JournalistStore journalists, SealedNewsroomKeys keys, JournalistSessions sessions, SignInThrottle throttle, SignInFailures failures, AuditLog audit, TimeProvider time, ILogger<ApiSignIn> logger)
    {
        _failures = failures;
        _journalists = journalists;
        _keys = keys;
        _sessions = sessions;
        _throttle = throttle;
        _audit = audit;
        _time = time;
        _logger = logger;
    }

    public async Task<IResult> SignInAsync(TokenRequest? request, CancellationToken cancellationToken)
    {
        var username = (request?.Username ?? "").Trim();
        var passphrase = request?.Passphrase ?? "";
        if (username.Length is 0 or > 64 || passphrase.Length is 0 or > 1024 || request?.Code is not { Length: > 0 and <= 16 })
        {
            return ApiResults.Problem(StatusCodes.Status400BadRequest, "Give username, passphrase and code.");
        }

        if (_throttle.MustWait(username))
        {
            return ApiResults.Problem(StatusCodes.Status429TooManyRequests, "Too many attempts for this user name. Wait a minute, then try again.");
        }

        var account = await _journalists.FindByUsernameAsync(username, cancellationToken);
        if (account is null)
        {
            JournalistCredentials.SpendEquivalentTime(passphrase);
            await _failures.RecordUnauthenticatedAsync(username, null, "failed api sign-in", cancellationToken);
            return ApiResults.Problem(StatusCodes.Status401Unauthorized, Refusal);
        }

        var vaultKey = JournalistCredentials.Unlock(passphrase, account.Secrets, account.Id);
        if (vaultKey is null || account.Locked || account.Disabled)
        {
            // A locked or disabled account answers the right passphrase as it answers a wrong one.
            if (vaultKey is not null)
            {
                CryptographicOperations.ZeroMemory(vaultKey);
            }

            await _failures.RecordUnauthenticatedAsync(username, account.Id, "failed api sign-in", cancellationToken);
            return ApiResults.Problem(StatusCodes.Status401Unauthorized, Refusal);
        }

        if (account.TotpSecretSealed is null)
        {
            CryptographicOperations.ZeroMemory(vaultKey);
            return ApiResults.Problem(StatusCodes.Status401Unauthorized, "Sign in to the console once to enrol an authenticator before using the API.");
        }

        if (!await CodeMatchesAsync(account, vaultKey, request.Code, cancellationToken))
        {
            CryptographicOperations.ZeroMemory(vaultKey);
            await _failures.RecordAuthenticatedAsync(username, account.Id, "failed api sign-in", cancellationToken);
            return ApiResults.Problem(StatusCodes.Status401Unauthorized, Refusal);
        }

        var token = _sessions.Start(account.Id, account.Username, account.IsAdmin, vaultKey, _keys.UnsealSecretKeys(vaultKey), isApiToken: true);
        _throttle.Clear(username);
        await _journalists.ResetFailedAttemptsAsync(account.Id, cancellationToken);
        await _audit.RecordAsync(account.Id, "api sign-in", cancellationToken: cancellationToken);
        LogTokenIssued(account.Id);
        return Results.Ok(new TokenResponse(token, "Bearer", (int)JournalistSessions.ApiTokenLifetime.TotalSeconds));
    }

    private async Task<bool> CodeMatchesAsync(JournalistAccount account, byte[] vaultKey, string code, CancellationToken cancellationToken)
    {
        var secret = TotpCodes.Open(account.TotpSecretSealed!, vaultKey, account.Id);
        try
        {
            var step = TotpCodes.MatchingStep(secret, code, _time.GetUtcNow());
            return step is not null && await _journalists.ClaimTotpStepAsync(account.Id, step.Value, cancellationToken);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "API token issued to journalist {JournalistId}")]
    private partial void LogTokenIssued(string journalistId);
}

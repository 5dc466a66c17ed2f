using SecureDrop.Net.Custody.Journalists;

namespace SecureDrop.Net.Reviewer.Sessions;

/// <summary>
/// A signed-in journalist typing their passphrase again (before an admin action, or to hand a re-wrap its vault
/// key). The check is the sign-in's: Argon2id through <see cref="JournalistCredentials.Unlock"/>, throttled per
/// account, each failure counted towards the lockout and audit-logged. Every page that asks for the passphrase
/// again goes through here, so a change to the rules reaches all of them.
/// </summary>
internal sealed class PassphraseReentry
{
    private const int MaxPassphraseLength = 1024;
    private readonly JournalistStore _journalists;
    private readonly SignInThrottle _throttle;
    private readonly SignInFailures _failures;
    private readonly TimeProvider _time;

    public PassphraseReentry(JournalistStore journalists, SignInThrottle throttle, SignInFailures failures, TimeProvider time)
    {
        _journalists = journalists;
        _throttle = throttle;
        _failures = failures;
        _time = time;
    }

    /// <summary>True while the account has failed too often in the last minute: ask it to wait, check nothing.</summary>
    public bool MustWait(UnlockedSession session) => _throttle.MustWait(session.Username);

    /// <summary>
    /// Checks <paramref name="passphrase"/> against the session's account. On success the session's passphrase
    /// counts as just entered and the vault key it opens is returned (the caller clears it when done); on failure
    /// the throttle, the lockout count and the audit log record it and null is returned.
    /// </summary>
    public async Task<byte[]?> CheckAsync(UnlockedSession session, string? passphrase, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var account = await _journalists.FindByUsernameAsync(session.Username, cancellationToken).ConfigureAwait(false);
        var vaultKey = account is null || string.IsNullOrEmpty(passphrase) || passphrase.Length > MaxPassphraseLength
            ? null
            : JournalistCredentials.Unlock(passphrase, account.Secrets, account.Id);
        if (vaultKey is null)
        {
            // Inside a signed-in session: counted towards the lock (SignInFailures).
            await _failures.RecordAuthenticatedAsync(session.Username, session.JournalistId, "failed passphrase re-entry", cancellationToken).ConfigureAwait(false);
            return null;
        }

        session.PassphraseEnteredAt = _time.GetUtcNow();
        return vaultKey;
    }
}

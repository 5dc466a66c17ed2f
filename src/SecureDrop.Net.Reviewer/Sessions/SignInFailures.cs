using SecureDrop.Net.Custody.Journalists;
using SecureDrop.Net.Vault.Audit;

namespace SecureDrop.Net.Reviewer.Sessions;

/// <summary>
/// What a failed check costs the account it names. A failure anyone can cause — a wrong passphrase at sign-in, by a
/// web scan or a guesser who knows only the user name — slows that name down (<see cref="SignInThrottle"/>) and never
/// locks the account: a lockout anyone can trigger would hand every stranger a way to shut a journalist out. A failure
/// only the account's holder can reach — a wrong authenticator code after the right passphrase, a wrong passphrase
/// typed again inside a signed-in session — counts towards the lock as well (<see cref="SignInThrottle.LockAfterFailures"/>
/// in a row), because whoever makes it has the passphrase or the session already.
/// </summary>
internal sealed class SignInFailures
{
    private readonly SignInThrottle _throttle;
    private readonly JournalistStore _journalists;
    private readonly AuditLog _audit;

    public SignInFailures(SignInThrottle throttle, JournalistStore journalists, AuditLog audit)
    {
        _throttle = throttle;
        _journalists = journalists;
        _audit = audit;
    }

    /// <summary>A failure without the passphrase: the name waits, the account stays open. Audited when the account exists.</summary>
    public async Task RecordUnauthenticatedAsync(string username, string? journalistId, string auditAction, CancellationToken cancellationToken)
    {
        _throttle.RecordFailure(username);
        if (journalistId is not null)
        {
            await _audit.RecordAsync(journalistId, auditAction, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A failure with the passphrase (or a session) in hand: counted towards the lock. True when the account is now locked.</summary>
    public async Task<bool> RecordAuthenticatedAsync(string username, string journalistId, string auditAction, CancellationToken cancellationToken)
    {
        _throttle.RecordFailure(username);
        await _journalists.RecordFailedAttemptAsync(journalistId, SignInThrottle.LockAfterFailures, cancellationToken).ConfigureAwait(false);
        await _audit.RecordAsync(journalistId, auditAction, cancellationToken: cancellationToken).ConfigureAwait(false);
        return await _journalists.FindByUsernameAsync(username, cancellationToken).ConfigureAwait(false) is { Locked: true };
    }
}

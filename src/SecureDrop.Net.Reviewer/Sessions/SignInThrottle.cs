using System.Collections.Concurrent;

namespace SecureDrop.Net.Reviewer.Sessions;

/// <summary>
/// Slows guessing: after <see cref="MaxFailuresPerMinute"/> failed checks for one user name within a minute, that
/// name must wait, whether or not it exists (so the wait reveals nothing). This is all a failure without the passphrase
/// costs (<see cref="SignInFailures"/>): at five guesses a minute a generated seven-word passphrase (90 bits) holds for
/// longer than anyone will wait. Kept in memory; the lock that survives restarts is the failed-attempt count in the
/// database, which only failures with the passphrase in hand raise.
/// </summary>
internal sealed class SignInThrottle
{
    public const int MaxFailuresPerMinute = 5;

    /// <summary>
    /// Failed authenticator codes or passphrase re-entries in a row (failures with the passphrase in hand) after which
    /// the account locks until an admin unlocks it.
    /// </summary>
    public const int LockAfterFailures = 10;

    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, List<DateTimeOffset>> _failures = new(StringComparer.OrdinalIgnoreCase);
    private readonly TimeProvider _time;

    public SignInThrottle(TimeProvider time)
    {
        _time = time;
    }

    public bool MustWait(string username)
    {
        if (!_failures.TryGetValue(username, out var failures))
        {
            return false;
        }

        lock (failures)
        {
            failures.RemoveAll(at => _time.GetUtcNow() - at > Window);
            return failures.Count >= MaxFailuresPerMinute;
        }
    }

    public void RecordFailure(string username)
    {
        var failures = _failures.GetOrAdd(username, _ => []);
        lock (failures)
        {
            failures.Add(_time.GetUtcNow());
        }
    }

    public void Clear(string username) => _failures.TryRemove(username, out _);
}

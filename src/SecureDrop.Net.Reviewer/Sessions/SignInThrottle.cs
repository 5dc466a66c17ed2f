using System.Collections.Concurrent;

namespace SecureDrop.Net.Reviewer.Sessions;

/// <summary>
/// Slows guessing: after <see cref="MaxFailuresPerMinute"/> failed sign-ins for one user name within a minute, that
/// name must wait, whether or not it exists (so the wait reveals nothing). Kept in memory: the lockout that
/// survives restarts is the failed-attempt count in the database.
/// </summary>
internal sealed class SignInThrottle
{
    public const int MaxFailuresPerMinute = 5;

    /// <summary>Failed attempts in a row after which the account locks until an admin unlocks it.</summary>
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

using System.Collections.Concurrent;
using System.Security.Cryptography;
using SecureDrop.Net.Crypto;

namespace SecureDrop.Net.Reviewer.Sessions;

/// <summary>
/// Unlocked journalist sessions, in this process's memory only: the vault key and the newsroom secret keys it
/// opened live here from sign-in to sign-out. The cookie holds a random session id; after logout, expiry or a
/// restart the id maps to nothing, so a stolen cookie opens nothing.
/// </summary>
internal sealed class JournalistSessions
{
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(30);
    public static readonly TimeSpan AbsoluteTimeout = TimeSpan.FromHours(8);

    /// <summary>API tokens are short-lived: a desktop client signs in again (passphrase and a fresh code) after this.</summary>
    public static readonly TimeSpan ApiTokenLifetime = TimeSpan.FromMinutes(15);

    private readonly ConcurrentDictionary<string, UnlockedSession> _sessions = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public JournalistSessions(TimeProvider time)
    {
        _time = time;
    }

    /// <summary>Starts a session that takes ownership of the vault key and the newsroom keys.</summary>
    /// <param name="isApiToken">A bearer-token session of the JSON API: short-lived, and never reachable through a cookie.</param>
    public string Start(string journalistId, string username, bool isAdmin, byte[] vaultKey, IReadOnlyList<NewsroomSecretKey> keys, bool isApiToken = false)
    {
        RemoveExpired();
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var now = _time.GetUtcNow();
        _sessions[id] = new UnlockedSession(journalistId, username, isAdmin, vaultKey, keys, now)
        {
            LastSeen = now,
            PassphraseEnteredAt = now,
            IsApiToken = isApiToken,
            SecondFactorDone = isApiToken,
        };
        return id;
    }

    public UnlockedSession? Find(string? sessionId)
    {
        if (sessionId is null || !_sessions.TryGetValue(sessionId, out var session))
        {
            return null;
        }

        var now = _time.GetUtcNow();
        if (Expired(session, now))
        {
            End(sessionId);
            return null;
        }

        session.LastSeen = now;
        return session;
    }

    /// <summary>Whether a session is still signed in, without counting as activity (the idle timeout is not extended).</summary>
    public bool IsLive(string sessionId) => _sessions.TryGetValue(sessionId, out var session) && !Expired(session, _time.GetUtcNow());

    public void End(string? sessionId)
    {
        if (sessionId is not null && _sessions.TryRemove(sessionId, out var session))
        {
            session.Wipe();
        }
    }

    private static bool Expired(UnlockedSession session, DateTimeOffset now) =>
        now - session.LastSeen > IdleTimeout || now - session.Started > (session.IsApiToken ? ApiTokenLifetime : AbsoluteTimeout);

    private void RemoveExpired()
    {
        var now = _time.GetUtcNow();
        foreach (var (id, session) in _sessions)
        {
            if (Expired(session, now))
            {
                End(id);
            }
        }
    }
}

internal sealed class UnlockedSession
{
    private readonly byte[] _vaultKey;
    private readonly Lock _gate = new();
    private IReadOnlyList<NewsroomSecretKey> _keys;

    public UnlockedSession(string journalistId, string username, bool isAdmin, byte[] vaultKey, IReadOnlyList<NewsroomSecretKey> keys, DateTimeOffset started)
    {
        JournalistId = journalistId;
        Username = username;
        IsAdmin = isAdmin;
        _vaultKey = vaultKey;
        _keys = keys;
        Started = started;
    }

    public string JournalistId { get; }

    public string Username { get; }

    public bool IsAdmin { get; }

    public IReadOnlyList<NewsroomSecretKey> Keys => _keys;

    public DateTimeOffset Started { get; }

    public DateTimeOffset LastSeen { get; set; }

    /// <summary>When the journalist last typed their passphrase: at sign-in, or again for an admin action.</summary>
    public DateTimeOffset PassphraseEnteredAt { get; set; }

    /// <summary>A JSON API bearer token rather than a console cookie.</summary>
    public bool IsApiToken { get; init; }

    /// <summary>False between the passphrase and the TOTP code: the session can reach the second-factor pages only.</summary>
    public bool SecondFactorDone { get; set; }

    /// <summary>The journalist's TOTP secret as stored (sealed), or null when they have yet to enrol.</summary>
    public byte[]? TotpSecretSealed { get; set; }

    /// <summary>A TOTP secret being enrolled, shown once, kept here until the journalist proves it with a code.</summary>
    public byte[]? PendingTotpSecret { get; set; }

    /// <summary>The vault key, for sealing a newly enrolled TOTP secret.</summary>
    public ReadOnlySpan<byte> VaultKey => _vaultKey;

    public NewsroomSecretKey? KeyFor(string fingerprint) =>
        Keys.FirstOrDefault(key => string.Equals(key.Fingerprint, fingerprint, StringComparison.Ordinal));

    /// <summary>
    /// Takes keys added since sign-in (a rotation): the vault key this session holds opens them. Keys it already
    /// has are disposed, not duplicated.
    /// </summary>
    public void AddKeys(IReadOnlyList<NewsroomSecretKey> unsealed)
    {
        ArgumentNullException.ThrowIfNull(unsealed);
        lock (_gate)
        {
            var fresh = unsealed.Where(k => KeyFor(k.Fingerprint) is null).ToList();
            foreach (var duplicate in unsealed.Except(fresh))
            {
                duplicate.Dispose();
            }

            _keys = [.. _keys, .. fresh];
        }
    }

    public void Wipe()
    {
        CryptographicOperations.ZeroMemory(_vaultKey);
        if (PendingTotpSecret is not null)
        {
            CryptographicOperations.ZeroMemory(PendingTotpSecret);
        }

        foreach (var key in Keys)
        {
            key.Dispose();
        }
    }
}

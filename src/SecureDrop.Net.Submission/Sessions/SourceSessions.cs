using System.Collections.Concurrent;
using System.Security.Cryptography;
using SecureDrop.Net.Crypto;

namespace SecureDrop.Net.Submission.Sessions;

/// <summary>
/// Sessions of logged-in sources, in this process's memory only: the source id and the source's reply secret key,
/// unlocked from the codename at sign-in. The cookie carries a random token and nothing else: no codename, no
/// source id, no key. A restart, expiry or <see cref="End"/> ends a session at once and drops its key.
/// </summary>
internal sealed class SourceSessions
{
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(30);
    public static readonly TimeSpan AbsoluteTimeout = TimeSpan.FromHours(2);
    private const string PlainCookieName = "sdnet-source";
    private const string SecureCookieName = "__Host-sdnet-source";

    private readonly ConcurrentDictionary<string, Entry> _sessions = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public SourceSessions(TimeProvider time)
    {
        _time = time;
    }

    /// <summary>Starts a session that takes ownership of <paramref name="replyKey"/> (disposed when the session ends).</summary>
    public void Start(HttpContext context, string sourceId, SourceReplySecretKey? replyKey = null)
    {
        Forget(context);
        RemoveExpired();
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        _sessions[token] = new Entry(sourceId, replyKey, _time.GetUtcNow());
        context.Response.Cookies.Append(CookieName(context), token, new CookieOptions
        {
            HttpOnly = true,
            Secure = IsSecure(context),
            SameSite = SameSiteMode.Strict,
            Path = "/",
            IsEssential = true,
        });
    }

    /// <summary>The source id of the request's session, or null when there is none or it has expired.</summary>
    public string? CurrentSourceId(HttpContext context) => Current(context)?.SourceId;

    /// <summary>The request's session (source id and unlocked reply key), or null when there is none or it has expired.</summary>
    public SourceSession? Current(HttpContext context)
    {
        if (!context.Request.Cookies.TryGetValue(CookieName(context), out var token) || token is null
            || !_sessions.TryGetValue(token, out var entry))
        {
            return null;
        }

        var now = _time.GetUtcNow();
        if (entry.IsExpired(now))
        {
            Remove(token);
            return null;
        }

        // Touched in place, never re-inserted: a session ended by another request stays ended.
        entry.LastSeen = now;
        return new SourceSession(entry.SourceId, entry.ReplyKey);
    }

    public void End(HttpContext context)
    {
        Forget(context);
        context.Response.Cookies.Delete(CookieName(context), new CookieOptions { Path = "/", Secure = IsSecure(context), HttpOnly = true, SameSite = SameSiteMode.Strict });
    }

    private void Forget(HttpContext context)
    {
        if (context.Request.Cookies.TryGetValue(CookieName(context), out var token) && token is not null)
        {
            Remove(token);
        }
    }

    private void Remove(string token)
    {
        if (_sessions.TryRemove(token, out var entry))
        {
            entry.ReplyKey?.Dispose();
        }
    }

    // The __Host- prefix requires the Secure attribute, which browsers honour only in a secure context: HTTPS, or
    // an onion service in Tor Browser (which treats .onion as secure even over plain HTTP: Tor encrypts end to end).
    internal static bool IsSecure(HttpContext context) =>
        context.Request.IsHttps || context.Request.Host.Host.EndsWith(".onion", StringComparison.OrdinalIgnoreCase);

    private static string CookieName(HttpContext context) => IsSecure(context) ? SecureCookieName : PlainCookieName;

    private void RemoveExpired()
    {
        var now = _time.GetUtcNow();
        foreach (var (token, entry) in _sessions)
        {
            if (entry.IsExpired(now))
            {
                Remove(token);
            }
        }
    }

    private sealed class Entry(string sourceId, SourceReplySecretKey? replyKey, DateTimeOffset started)
    {
        private long _lastSeenTicks = started.UtcTicks;

        public string SourceId { get; } = sourceId;

        public SourceReplySecretKey? ReplyKey { get; } = replyKey;

        public DateTimeOffset Started { get; } = started;

        public DateTimeOffset LastSeen
        {
            get => new(Interlocked.Read(ref _lastSeenTicks), TimeSpan.Zero);
            set => Interlocked.Exchange(ref _lastSeenTicks, value.UtcTicks);
        }

        public bool IsExpired(DateTimeOffset now) => now - LastSeen > IdleTimeout || now - Started > AbsoluteTimeout;
    }
}

/// <summary>A signed-in source: its id and, once unlocked, its reply key (owned by the session, do not dispose).</summary>
internal sealed record SourceSession(string SourceId, SourceReplySecretKey? ReplyKey);

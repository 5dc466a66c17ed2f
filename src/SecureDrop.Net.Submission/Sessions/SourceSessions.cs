using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace SecureDrop.Net.Submission.Sessions;

/// <summary>
/// Sessions of logged-in sources, in this process's memory only. The cookie carries a random token and nothing
/// else: no codename, no source id. A restart or <see cref="End"/> ends a session at once.
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

    public void Start(HttpContext context, string sourceId)
    {
        Forget(context);
        RemoveExpired();
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var now = _time.GetUtcNow();
        _sessions[token] = new Entry(sourceId, now, now);
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
    public string? CurrentSourceId(HttpContext context)
    {
        if (!context.Request.Cookies.TryGetValue(CookieName(context), out var token) || token is null
            || !_sessions.TryGetValue(token, out var entry))
        {
            return null;
        }

        var now = _time.GetUtcNow();
        if (now - entry.LastSeen > IdleTimeout || now - entry.Started > AbsoluteTimeout)
        {
            _sessions.TryRemove(token, out _);
            return null;
        }

        _sessions[token] = entry with { LastSeen = now };
        return entry.SourceId;
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
            _sessions.TryRemove(token, out _);
        }
    }

    // The __Host- prefix requires the Secure attribute, which browsers honour only in a secure context: HTTPS, or
    // an onion service in Tor Browser (which treats .onion as secure even over plain HTTP: Tor encrypts end to end).
    private static bool IsSecure(HttpContext context) =>
        context.Request.IsHttps || context.Request.Host.Host.EndsWith(".onion", StringComparison.OrdinalIgnoreCase);

    private static string CookieName(HttpContext context) => IsSecure(context) ? SecureCookieName : PlainCookieName;

    private void RemoveExpired()
    {
        var now = _time.GetUtcNow();
        foreach (var (token, entry) in _sessions)
        {
            if (now - entry.LastSeen > IdleTimeout || now - entry.Started > AbsoluteTimeout)
            {
                _sessions.TryRemove(token, out _);
            }
        }
    }

    private sealed record Entry(string SourceId, DateTimeOffset Started, DateTimeOffset LastSeen);
}

using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using SecureDrop.Net.Submission.Sessions;

namespace SecureDrop.Net.Submission.Tests.Sessions;

/// <summary>Session lifetime against an injected clock: 30 minutes idle, 2 hours absolute, logout at once.</summary>
public sealed class SourceSessionTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Session_IdleFor29Minutes_IsStillValid()
    {
        var sessions = new SourceSessions(_clock);
        var cookie = StartSession(sessions, "source-1");

        _clock.Advance(TimeSpan.FromMinutes(29));

        Assert.Equal("source-1", sessions.CurrentSourceId(Request(cookie)));
    }

    [Fact]
    public void Session_IdleFor31Minutes_HasEnded()
    {
        var sessions = new SourceSessions(_clock);
        var cookie = StartSession(sessions, "source-1");

        _clock.Advance(TimeSpan.FromMinutes(31));

        Assert.Null(sessions.CurrentSourceId(Request(cookie)));
    }

    [Fact]
    public void Session_ActiveEvery20Minutes_EndsAfterTwoHours()
    {
        var sessions = new SourceSessions(_clock);
        var cookie = StartSession(sessions, "source-1");
        for (var elapsed = 20; elapsed <= 100; elapsed += 20)
        {
            _clock.Advance(TimeSpan.FromMinutes(20));
            Assert.Equal("source-1", sessions.CurrentSourceId(Request(cookie)));
        }

        _clock.Advance(TimeSpan.FromMinutes(21));

        Assert.Null(sessions.CurrentSourceId(Request(cookie)));
    }

    [Fact]
    public void End_ForgetsTheSessionAtOnceAndDeletesTheCookie()
    {
        var sessions = new SourceSessions(_clock);
        var cookie = StartSession(sessions, "source-1");
        var logout = Request(cookie);

        sessions.End(logout);

        Assert.Null(sessions.CurrentSourceId(Request(cookie)));
        Assert.Contains("expires=Thu, 01 Jan 1970", logout.Response.Headers.SetCookie.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Cookie_OverPlainHttp_IsHttpOnlyStrictAndOpaque()
    {
        var context = new DefaultHttpContext();
        new SourceSessions(_clock).Start(context, "source-secret-id");

        var setCookie = context.Response.Headers.SetCookie.ToString();
        Assert.StartsWith("sdnet-source=", setCookie, StringComparison.Ordinal);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("source-secret-id", setCookie, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, "127.0.0.1")]
    [InlineData(false, "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcd.onion")]
    public void Cookie_InASecureContext_IsHostPrefixedAndSecure(bool https, string host)
    {
        var context = new DefaultHttpContext();
        context.Request.IsHttps = https;
        context.Request.Host = new HostString(host);
        new SourceSessions(_clock).Start(context, "source-1");

        var setCookie = context.Response.Headers.SetCookie.ToString();
        Assert.StartsWith("__Host-sdnet-source=", setCookie, StringComparison.Ordinal);
        Assert.Contains("secure", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("domain=", setCookie, StringComparison.OrdinalIgnoreCase);
    }

    private static string StartSession(SourceSessions sessions, string sourceId)
    {
        var context = new DefaultHttpContext();
        sessions.Start(context, sourceId);
        var setCookie = context.Response.Headers.SetCookie.ToString();
        return setCookie[..setCookie.IndexOf(';', StringComparison.Ordinal)];
    }

    private static DefaultHttpContext Request(string cookie)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Cookie = cookie;
        return context;
    }
}

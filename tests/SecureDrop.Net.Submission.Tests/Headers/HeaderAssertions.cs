using SecureDrop.Net.Core.Web;

namespace SecureDrop.Net.Submission.Tests.Headers;

/// <summary>What every response of the front end must carry, and the cookies it may set.</summary>
public static class HeaderAssertions
{
    public static readonly IReadOnlySet<string> AllowedCookies =
        new HashSet<string>(StringComparer.Ordinal) { "sdnet-source", "__Host-sdnet-source", "sdnet-antiforgery", "__Host-sdnet-antiforgery" };

    public static void AssertHardened(string what, HttpResponseMessage response, bool tls = false)
    {
        ArgumentNullException.ThrowIfNull(response);
        string One(string name) => response.Headers.TryGetValues(name, out var values)
            ? Assert.Single(values)
            : throw new Xunit.Sdk.XunitException($"{what}: no {name} header");

        Assert.Equal("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            One("Content-Security-Policy"));
        Assert.Equal("nosniff", One("X-Content-Type-Options"));
        Assert.Equal("DENY", One("X-Frame-Options"));
        Assert.Equal("no-referrer", One("Referrer-Policy"));
        Assert.Equal("same-origin", One("Cross-Origin-Opener-Policy"));
        Assert.Equal("same-origin", One("Cross-Origin-Resource-Policy"));
        Assert.Equal("require-corp", One("Cross-Origin-Embedder-Policy"));
        var permissions = One("Permissions-Policy").Split(", ");
        Assert.All(permissions, p => Assert.EndsWith("=()", p, StringComparison.Ordinal));
        Assert.Contains("camera=()", permissions);
        Assert.Contains("geolocation=()", permissions);
        Assert.Equal(SecurityHeaders.PermissionsPolicy, string.Join(", ", permissions));
        Assert.True(response.Headers.CacheControl?.NoStore, $"{what}: Cache-Control lacks no-store");
        Assert.False(response.Headers.Contains("Server"), $"{what}: Server header");
        Assert.Null(response.Headers.ETag);
        Assert.Equal(tls, response.Headers.Contains("Strict-Transport-Security"));
        foreach (var setCookie in response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [])
        {
            var name = setCookie[..setCookie.IndexOf('=', StringComparison.Ordinal)];
            Assert.Contains(name, AllowedCookies);
            Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("path=/", setCookie, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("domain=", setCookie, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(tls, setCookie.Contains("secure", StringComparison.OrdinalIgnoreCase));
            Assert.Equal(tls, name.StartsWith("__Host-", StringComparison.Ordinal));
        }
    }
}

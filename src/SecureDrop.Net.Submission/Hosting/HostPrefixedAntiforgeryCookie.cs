using Microsoft.Net.Http.Headers;
using SecureDrop.Net.Submission.Sessions;

namespace SecureDrop.Net.Submission.Hosting;

/// <summary>
/// Under TLS or on the onion address the antiforgery cookie is <c>__Host-sdnet-antiforgery</c>, Secure, path /, no
/// domain, like the session cookie: a cookie with that prefix cannot be planted or overwritten by a sibling host or
/// an attacker on plain HTTP (cookie tossing), which would otherwise let them fix the token pair. ASP.NET's
/// antiforgery reads and writes one fixed cookie name, so this renames it on the way in and on the way out; over
/// plain HTTP (a loopback test or development run) the plain name stays, as browsers drop __Host- cookies there.
/// </summary>
internal static class HostPrefixedAntiforgeryCookie
{
    public const string PlainName = "sdnet-antiforgery";
    public const string SecureName = "__Host-" + PlainName;

    public static IApplicationBuilder UseHostPrefixedAntiforgeryCookie(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (!SourceSessions.IsSecure(context))
            {
                return next(context);
            }

            RenameIncoming(context.Request.Headers);
            context.Response.OnStarting(() =>
            {
                RenameOutgoing(context.Response.Headers);
                return Task.CompletedTask;
            });
            return next(context);
        });

    // Only the prefixed cookie counts in a secure context; an unprefixed one may have been planted, so it is dropped.
    private static void RenameIncoming(IHeaderDictionary headers)
    {
        if (!CookieHeaderValue.TryParseList(headers.Cookie, out var cookies))
        {
            return;
        }

        var kept = cookies
            .Where(c => !c.Name.Equals(PlainName, StringComparison.Ordinal))
            .Select(c => c.Name.Equals(SecureName, StringComparison.Ordinal) ? new CookieHeaderValue(PlainName, c.Value) : c)
            .Select(c => c.ToString());
        headers.Cookie = string.Join("; ", kept);
    }

    private static void RenameOutgoing(IHeaderDictionary headers)
    {
        var values = headers.SetCookie;
        if (!values.Any(v => v is not null && v.StartsWith(PlainName + "=", StringComparison.Ordinal)))
        {
            return;
        }

        headers.SetCookie = new Microsoft.Extensions.Primitives.StringValues([.. values.Select(v =>
            v is not null && v.StartsWith(PlainName + "=", StringComparison.Ordinal)
                ? "__Host-" + v + (v.Contains("; secure", StringComparison.OrdinalIgnoreCase) ? "" : "; secure")
                : v)]);
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace SecureDrop.Net.Core.Web;

/// <summary>
/// The response headers both web apps send on every response: no script may run, nothing may frame the page,
/// no other origin may embed or open it, no browser feature is granted, nothing is cached (a shared or seized
/// browser keeps no copy), and no referrer leaves the site. HSTS is sent only over TLS, where it means something;
/// <c>Onion-Location</c> only when an onion address is configured, so Tor Browser offers the onion service.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>Every powerful feature a browser may grant a page, each denied to every origin.</summary>
    public const string PermissionsPolicy =
        "accelerometer=(), ambient-light-sensor=(), autoplay=(), battery=(), bluetooth=(), browsing-topics=(), camera=(), "
        + "clipboard-read=(), clipboard-write=(), display-capture=(), document-domain=(), encrypted-media=(), "
        + "fullscreen=(), gamepad=(), geolocation=(), gyroscope=(), hid=(), identity-credentials-get=(), idle-detection=(), "
        + "local-fonts=(), magnetometer=(), microphone=(), midi=(), payment=(), picture-in-picture=(), "
        + "publickey-credentials-create=(), publickey-credentials-get=(), screen-wake-lock=(), serial=(), "
        + "storage-access=(), sync-xhr=(), usb=(), web-share=(), window-management=(), xr-spatial-tracking=()";

    public const string StrictTransportSecurity = "max-age=63072000; includeSubDomains";

    /// <param name="app">The application.</param>
    /// <param name="onionAddress">The site's onion origin (e.g. <c>http://abc…xyz.onion</c>), or null for none.</param>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app, string? onionAddress = null)
    {
        var onion = string.IsNullOrWhiteSpace(onionAddress) ? null : onionAddress.TrimEnd('/');
        return app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                Apply(context, onion);
                return Task.CompletedTask;
            });
            return next(context);
        });
    }

    /// <param name="app">The application.</param>
    /// <param name="onionAddress">
    /// The site's onion origin for this request, or null for none: read per request (from a cache), so a change an
    /// admin makes in the console reaches the header within seconds.
    /// </param>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app, Func<HttpContext, ValueTask<string?>> onionAddress)
    {
        ArgumentNullException.ThrowIfNull(onionAddress);
        return app.Use(async (context, next) =>
        {
            var configured = await onionAddress(context).ConfigureAwait(false);
            var onion = string.IsNullOrWhiteSpace(configured) ? null : configured.TrimEnd('/');
            context.Response.OnStarting(() =>
            {
                Apply(context, onion);
                return Task.CompletedTask;
            });
            await next(context).ConfigureAwait(false);
        });
    }

    private static void Apply(HttpContext context, string? onion)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        headers["Cross-Origin-Embedder-Policy"] = "require-corp";
        headers["Permissions-Policy"] = PermissionsPolicy;
        headers.CacheControl = "no-store";
        headers.Pragma = "no-cache";
        headers.Remove("Server");
        headers.Remove("ETag");
        headers.Remove("Last-Modified");
        if (context.Request.IsHttps)
        {
            headers.StrictTransportSecurity = StrictTransportSecurity;
        }

        if (onion is not null && !context.Request.Host.Host.EndsWith(".onion", StringComparison.OrdinalIgnoreCase))
        {
            headers["Onion-Location"] = onion + context.Request.Path + context.Request.QueryString;
        }
    }
}

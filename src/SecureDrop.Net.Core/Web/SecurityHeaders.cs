using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace SecureDrop.Net.Core.Web;

/// <summary>
/// The response headers both web apps send on every response: no script may run, nothing may frame the page,
/// nothing is cached (a shared or seized browser keeps no copy), and no referrer leaves the site.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        return app.Use(static (context, next) =>
        {
            context.Response.OnStarting(static state =>
            {
                var headers = ((HttpContext)state).Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                headers["Cross-Origin-Resource-Policy"] = "same-origin";
                headers["Cross-Origin-Embedder-Policy"] = "require-corp";
                headers["Permissions-Policy"] = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=(), interest-cohort=()";
                headers.CacheControl = "no-store";
                headers.Pragma = "no-cache";
                headers.Remove("Server");
                headers.ETag = default;
                return Task.CompletedTask;
            }, context);
            return next(context);
        });
    }
}

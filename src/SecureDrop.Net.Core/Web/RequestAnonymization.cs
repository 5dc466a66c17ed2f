using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Features;

namespace SecureDrop.Net.Core.Web;

/// <summary>
/// Makes every request anonymous before any other code sees it: headers that name a client (forwarding headers
/// a proxy or an attacker may add, the user agent) are removed, and the connection's remote address is replaced
/// by the unspecified address (0.0.0.0). Nothing downstream — endpoints, logging, rate limiting — can then record who
/// sent a request, by mistake or otherwise. Behind Tor the address is the local tor daemon anyway; a forged
/// <c>X-Forwarded-For</c> must never be believed or kept.
/// </summary>
public static class RequestAnonymization
{
    /// <summary>Request headers that carry a client's address, name or software.</summary>
    public static readonly IReadOnlyList<string> IdentifyingHeaders =
    [
        "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Port", "X-Forwarded-Server", "Forwarded",
        "X-Real-IP", "X-Client-IP", "X-Cluster-Client-IP", "X-Originating-IP", "X-Remote-IP", "X-Remote-Addr",
        "True-Client-IP", "CF-Connecting-IP", "Fastly-Client-IP", "Via", "Client-IP", "X-ProxyUser-Ip",
        "User-Agent", "From", "X-Request-ID", "X-Correlation-ID", "Sec-CH-UA", "Sec-CH-UA-Platform", "Sec-CH-UA-Mobile",
    ];

    public static IApplicationBuilder UseRequestAnonymization(this IApplicationBuilder app) =>
        app.Use(static (context, next) =>
        {
            var headers = context.Request.Headers;
            foreach (var name in IdentifyingHeaders)
            {
                headers.Remove(name);
            }

            var connection = context.Features.Get<IHttpConnectionFeature>();
            if (connection is not null)
            {
                connection.RemoteIpAddress = IPAddress.Any;
                connection.RemotePort = 0;
            }

            return next(context);
        });
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SecureDrop.Net.Core.Web;

/// <summary>
/// HEAD wherever GET: RFC 9110 (9.1) has every general-purpose server answer HEAD where it answers GET, and link
/// checkers, caches and Tor Browser's download prompt send it. Razor Pages answer HEAD with their GET handler
/// (Kestrel drops the body); a minimal-API <c>MapGet</c> answers GET alone, so its endpoints take this convention.
/// </summary>
public static class HeadRequests
{
    /// <summary>Every endpoint built here that accepts GET accepts HEAD too (the same handler; the server sends no body).</summary>
    public static TBuilder AnswerHeadLikeGet<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Finally: after MapGet's own method metadata and every other convention, so the last word on methods is this one.
        builder.Finally(endpoint =>
        {
            var methods = endpoint.Metadata.OfType<IHttpMethodMetadata>().LastOrDefault();
            if (methods is not null && methods.HttpMethods.Contains(HttpMethods.Get) && !methods.HttpMethods.Contains(HttpMethods.Head))
            {
                endpoint.Metadata.Add(new HttpMethodMetadata([.. methods.HttpMethods, HttpMethods.Head], methods.AcceptCorsPreflight));
            }
        });
        return builder;
    }
}

using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using SecureDrop.Net.Core.Web;

namespace SecureDrop.Net.Submission.Abuse;

/// <summary>
/// ASP.NET Core's rate limiting, partitioned by what a request costs, never by who sent it: uploads in flight
/// (a concurrency limit), codename sign-ins and new sources per minute (fixed windows). A refused request gets
/// a plain "busy, try again" page: 503 with Retry-After, before any of its body is read.
/// </summary>
internal static class AbuseProtection
{
    public const int RetryAfterSeconds = 60;
    private const string Uploads = "uploads";
    private const string Logins = "logins";
    private const string NewSources = "new-sources";

    public static IServiceCollection AddAbuseProtection(this IServiceCollection services)
    {
        services.AddOptions<AbuseLimits>().BindConfiguration(AbuseLimits.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AbuseLimits>, AbuseLimitsValidator>();
        services.AddSingleton<KeyDerivationPool>();
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<AbuseLimits>>((options, limits) =>
        {
            var settings = limits.Value;
            options.RejectionStatusCode = StatusCodes.Status503ServiceUnavailable;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => Kind(context) switch
            {
                Uploads => RateLimitPartition.GetConcurrencyLimiter(Uploads, _ => new ConcurrencyLimiterOptions
                {
                    PermitLimit = settings.MaxConcurrentUploads,
                    QueueLimit = 0,
                }),
                Logins => PerMinute(Logins, settings.LoginsPerMinute),
                NewSources => PerMinute(NewSources, settings.NewSourcesPerMinute),
                _ => RateLimitPartition.GetNoLimiter(""),
            });
            options.OnRejected = static (rejected, _) => Busy(rejected.HttpContext);
        });
        services.AddRateLimiter(_ => { });
        return services;
    }

    /// <summary>The busy page: 503, Retry-After, nothing kept. The connection is closed so an unread upload body is not drained.</summary>
    public static ValueTask Busy(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers.Connection = "close";
        return new ValueTask(PlainErrors.Write(context, StatusCodes.Status503ServiceUnavailable));
    }

    private static RateLimitPartition<string> PerMinute(string key, int permits) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });

    private static string Kind(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            return "";
        }

        var path = context.Request.Path;
        return path.Equals("/submit", StringComparison.OrdinalIgnoreCase) ? Uploads
            : path.Equals("/login", StringComparison.OrdinalIgnoreCase) ? Logins
            : path.Equals("/generate", StringComparison.OrdinalIgnoreCase) ? NewSources
            : "";
    }
}

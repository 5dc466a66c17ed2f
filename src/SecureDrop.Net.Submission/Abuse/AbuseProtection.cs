using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using SecureDrop.Net.Core.Web;
using SecureDrop.Net.Submission.Hosting;

namespace SecureDrop.Net.Submission.Abuse;

/// <summary>
/// ASP.NET Core's rate limiting, partitioned by what a request costs and, behind tor with circuit lines, by the Tor
/// circuit it came over: never by an address. In order: the request's circuit (sign-ins and new codenames per minute,
/// one Argon2id derivation at a time), then the whole site (the same per minute, a last resort), then upload
/// admission (<see cref="UploadAdmission"/>). A refused request gets a plain "busy, try again" page: 503 with
/// Retry-After, before any of its body is read. A flood on one circuit spends that circuit's allowance, not the site's.
/// </summary>
internal static class AbuseProtection
{
    public const int RetryAfterSeconds = 60;

    public static IServiceCollection AddAbuseProtection(this IServiceCollection services)
    {
        services.AddOptions<AbuseLimits>().BindConfiguration(AbuseLimits.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AbuseLimits>, AbuseLimitsValidator>();
        services.AddSingleton<KeyDerivationPool>();
        services.AddSingleton<UploadAdmission>();
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<AbuseLimits>, UploadAdmission>((options, limits, uploads) =>
        {
            var settings = limits.Value;
            options.RejectionStatusCode = StatusCodes.Status503ServiceUnavailable;
            options.GlobalLimiter = PartitionedRateLimiter.CreateChained(PerCircuit(settings), PerDerivation(), Site(settings), uploads);
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

    private static PartitionedRateLimiter<HttpContext> PerCircuit(AbuseLimits settings) =>
        PartitionedRateLimiter.Create<HttpContext, (Cost, uint)>(context => (Kind(context), context.TorCircuit()) switch
        {
            (Cost.Login, { } circuit) => PerMinute((Cost.Login, circuit.Id), settings.LoginsPerCircuitPerMinute),
            (Cost.NewSource, { } circuit) => PerMinute((Cost.NewSource, circuit.Id), settings.NewSourcesPerCircuitPerMinute),
            _ => RateLimitPartition.GetNoLimiter((Cost.None, 0u)),
        });

    // Both a sign-in and a new codename run Argon2id: one at a time per circuit, so the site's derivation queue holds
    // at most one request of each circuit and a flooding circuit cannot stand in front of everyone else.
    private static PartitionedRateLimiter<HttpContext> PerDerivation() =>
        PartitionedRateLimiter.Create<HttpContext, uint>(context => Kind(context) is Cost.Login or Cost.NewSource && context.TorCircuit() is { } circuit
            ? RateLimitPartition.GetConcurrencyLimiter(circuit.Id, _ => new ConcurrencyLimiterOptions { PermitLimit = 1, QueueLimit = 0 })
            : RateLimitPartition.GetNoLimiter(0u));

    private static PartitionedRateLimiter<HttpContext> Site(AbuseLimits settings) =>
        PartitionedRateLimiter.Create<HttpContext, (Cost, uint)>(context => Kind(context) switch
        {
            Cost.Login => PerMinute((Cost.Login, 0u), settings.LoginsPerMinute),
            Cost.NewSource => PerMinute((Cost.NewSource, 0u), settings.NewSourcesPerMinute),
            _ => RateLimitPartition.GetNoLimiter((Cost.None, 0u)),
        });

    private static RateLimitPartition<(Cost, uint)> PerMinute((Cost, uint) key, int permits) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });

    /// <summary>What a request costs. Uploads are admitted by <see cref="UploadAdmission"/>, which checks the kind itself.</summary>
    internal static Cost Kind(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            return Cost.None;
        }

        var path = context.Request.Path;
        return path.Equals("/submit", StringComparison.OrdinalIgnoreCase) ? Cost.Upload
            : path.Equals("/login", StringComparison.OrdinalIgnoreCase) ? Cost.Login
            : path.Equals("/generate", StringComparison.OrdinalIgnoreCase) ? Cost.NewSource
            : Cost.None;
    }

    internal enum Cost
    {
        None,
        Upload,
        Login,
        NewSource,
    }
}

using Hangfire;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using SecureDrop.Net.Core;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Jobs;
using SecureDrop.Net.Core.Keys;
using SecureDrop.Net.Core.Secrets;
using SecureDrop.Net.Core.Web;
using SecureDrop.Net.Submission.Abuse;
using SecureDrop.Net.Submission.Hosting;
using SecureDrop.Net.Submission.Localization;
using SecureDrop.Net.Submission.Sessions;
using SecureDrop.Net.Submission.Submissions;

namespace SecureDrop.Net.Submission;

/// <summary>
/// The source-facing front end. It holds the newsroom public key only: no route returns a submission, and it
/// registers nothing that could read the journalists' data or open a secret key. Its project references
/// SecureDrop.Net.Core and SecureDrop.Net.Crypto only, so it cannot even compile a call that opens a newsroom key.
/// </summary>
public static class SubmissionApp
{
    public const string ApplicationName = "SecureDrop.Net.Submission";

    /// <param name="data">The instance's data directory.</param>
    /// <param name="url">Where Kestrel listens.</param>
    /// <param name="settings">Settings on top of the environment's (tests pass the PostgreSQL connection string).</param>
    /// <param name="configure">A last say over the builder (tests add a log capture or a fake clock).</param>
    public static WebApplication Build(DataDirectory data, string url, IReadOnlyDictionary<string, string?>? settings = null, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        // The slim builder leaves out what a front end on Kestrel never uses (IIS integration, HTTP/3, host
        // filtering, the Debug and EventSource log providers): code not loaded is memory not spent, and the peak
        // of a 1 GiB upload is judged against 150 MiB (benchmarks/RESULTS.md). TLS stays available to operators.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(SubmissionApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.WebHost.UseUrls(url);
        builder.Logging.AddQuietWebLogging();

        var services = builder.Services;
        services.AddSecureDropCore(data, builder.Configuration).AddIntake().AddUnicodeHtmlEncoding();
        services.AddOptions<FrontEndOptions>().BindConfiguration(FrontEndOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<FrontEndOptions>, FrontEndOptionsValidator>();
        services.AddSingleton<IConfigureOptions<KestrelServerOptions>, KestrelHardening>();
        services.AddSingleton<Microsoft.AspNetCore.Connections.IMemoryPoolFactory<byte>, TransportBufferPoolFactory>();
        services.AddSingleton<SourceSessions>();
        services.AddScoped<SourceSignIn>();
        services.AddScoped<Replies.SourceReplies>();
        services.AddScoped<SubmissionReceiver>();
        services.AddOptions<SubmissionLimits>().BindConfiguration(SubmissionLimits.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SubmissionLimits>, SubmissionLimitsValidator>();
        services.AddSingleton<EffectiveSettings>();
        services.AddAbuseProtection().AddFrontEndLocalization().AddIdleMemoryTrim();
        services.AddSecureDropDataProtection(data, "submission", ApplicationName);
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = HostPrefixedAntiforgeryCookie.PlainName;
            options.Cookie.Path = "/";
            options.Cookie.SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Strict;
            options.Cookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest;
            options.HeaderName = SubmissionReceiver.AntiforgeryHeaderName;
            options.SuppressXFrameOptionsHeader = true;
        });
        services.AddHangfire((provider, configuration) => configuration.UseSecureDropStorage(provider.GetRequiredService<MetadataDatabase>()));
        services.AddRazorPages()
            .RefuseUnknownPageHandlers()
            .ConfigureApplicationPartManager(parts => ApplicationParts.OnlyAssembly(parts, typeof(SubmissionApp).Assembly));
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseIdleMemoryTrim();
        app.UseRequestAnonymization();
        app.UseHostPrefixedAntiforgeryCookie();
        var effective = app.Services.GetRequiredService<EffectiveSettings>();
        app.UseSecurityHeaders(context => effective.OnionAddressAsync(context));
        app.UseFrontEndLocalization();
        app.UsePlainErrors();
        app.UseRateLimiter();
        app.MapEmbeddedStylesheet("/style.css", typeof(SubmissionApp).Assembly, "Assets.style.css").AnswerHeadLikeGet();
        app.MapGet("/logo.png", async (EffectiveSettings settings, CancellationToken cancellationToken) =>
            await settings.LogoAsync(cancellationToken) is { } png ? Results.File(png, "image/png") : Results.NotFound()).AnswerHeadLikeGet();
        app.MapGet("/public-key", (NewsroomKeys keys) =>
            Results.File(System.Text.Encoding.ASCII.GetBytes(keys.LoadActivePublicKey().ToArmored()), "application/pgp-keys", "newsroom-public-key.asc")).AnswerHeadLikeGet();
        app.MapRazorPages();
        return app;
    }
}

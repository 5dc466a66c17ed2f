using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using SecureDrop.Net.Core;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Jobs;
using SecureDrop.Net.Core.Web;
using SecureDrop.Net.Crypto;
using SecureDrop.Net.Submission.Sessions;
using SecureDrop.Net.Submission.Submissions;

namespace SecureDrop.Net.Submission;

/// <summary>
/// The source-facing front end. It holds the newsroom public key only: no route returns a submission, and it
/// registers nothing that could read the journalists' data or open a secret key.
/// </summary>
public static class SubmissionApp
{
    public const string ApplicationName = "SecureDrop.Net.Submission";

    public static WebApplication Build(DataDirectory data, string url, IReadOnlyDictionary<string, string?>? settings = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(SubmissionApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.WebHost.UseUrls(url);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Only /submit raises this, per request, to the configured submission limit.
            kestrel.Limits.MaxRequestBodySize = 64 * 1024;
        });
        builder.Logging.AddQuietWebLogging();

        var services = builder.Services;
        services.AddSecureDropCore(data, builder.Configuration).AddSourceIdentity().AddUnicodeHtmlEncoding();
        services.AddSingleton<SourceSessions>();
        services.AddScoped<SubmissionReceiver>();
        services.AddOptions<SubmissionLimits>().BindConfiguration(SubmissionLimits.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SubmissionLimits>, SubmissionLimitsValidator>();
        services.AddDataProtection()
            .SetApplicationName(ApplicationName)
            .PersistKeysToFileSystem(new DirectoryInfo(data.DataProtectionDirectory("submission")));
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "sdnet-antiforgery";
            options.Cookie.SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Strict;
            options.HeaderName = SubmissionReceiver.AntiforgeryHeaderName;
            options.SuppressXFrameOptionsHeader = true;
        });
        services.AddHangfire((provider, configuration) => configuration.UseSecureDropStorage(provider.GetRequiredService<MetadataDatabase>()));
        services.AddRazorPages()
            .ConfigureApplicationPartManager(parts => ApplicationParts.OnlyAssembly(parts, typeof(SubmissionApp).Assembly));

        var app = builder.Build();
        app.UseSecurityHeaders();
        app.UsePlainErrors();
        app.MapEmbeddedStylesheet("/style.css", typeof(SubmissionApp).Assembly, "Assets.style.css");
        app.MapGet("/public-key", (Core.Keys.NewsroomKeys keys) =>
            Results.File(System.Text.Encoding.ASCII.GetBytes(keys.LoadActivePublicKey().ToArmored()), "application/pgp-keys", "newsroom-public-key.asc"));
        app.MapRazorPages();
        return app;
    }
}

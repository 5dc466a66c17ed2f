using Hangfire;
using SecureDrop.Net.Core;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Jobs;
using SecureDrop.Net.Core.Secrets;
using SecureDrop.Net.Core.Web;
using SecureDrop.Net.Custody;
using SecureDrop.Net.Reviewer.Admin;
using SecureDrop.Net.Reviewer.Api;
using SecureDrop.Net.Reviewer.Items;
using SecureDrop.Net.Reviewer.Sessions;
using SecureDrop.Net.Vault;

namespace SecureDrop.Net.Reviewer;

/// <summary>
/// The journalists' console, the one place where tips become readable: secret keys exist only in the memory of
/// signed-in sessions. It runs as its own process, on its own port, with its own DataProtection key ring.
/// </summary>
public static class ReviewerApp
{
    public const string ApplicationName = "SecureDrop.Net.Reviewer";

    public static WebApplication Build(DataDirectory data, string url, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(ReviewerApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.WebHost.UseUrls(url);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 1024 * 1024;
        });
        builder.Logging.AddQuietWebLogging();

        var services = builder.Services;
        services.AddSecureDropCore(data, builder.Configuration).AddReplies().AddUnicodeHtmlEncoding();
        services.AddVault(builder.Configuration).AddAudit().AddSourceTriage();
        services.AddCustody().AddJournalists();
        services.AddSingleton<JournalistSessions>();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<SignInFailures>();
        services.AddSingleton<PassphraseReentry>();
        services.AddSingleton<ItemReader>();
        services.AddScoped<Replies.ReplyComposer>();
        services.AddSingleton<Scrubber>();
        services.AddSingleton<ItemDownloads>();
        // Decrypted downloads pass through Kestrel's output blocks: zeroed when returned, as the front end's are.
        services.AddSingleton<Microsoft.AspNetCore.Connections.IMemoryPoolFactory<byte>, TransportBufferPoolFactory>();
        services.AddSingleton<Sources.Conversation>();
        services.AddSingleton<Sources.SourceActions>();
        services.AddSingleton<Keys.ConsoleRewrap>();
        services.AddSecureDropDataProtection(data, "reviewer", ApplicationName);
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "sdnet-console-antiforgery";
            options.Cookie.SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Strict;
            options.SuppressXFrameOptionsHeader = true;
        });
        services.AddConsoleAuthentication();
        services.AddConsoleApi();
        // A Hangfire client only: deletions are queued for the worker, which erases ciphertext and rows.
        services.AddHangfire((provider, configuration) => configuration.UseSecureDropStorage(provider.GetRequiredService<MetadataDatabase>()));
        services.AddRazorPages()
            .RefuseUnknownPageHandlers()
            .ConfigureApplicationPartManager(parts => ApplicationParts.OnlyAssembly(parts, typeof(ReviewerApp).Assembly));
        overrides?.Invoke(services);

        var app = builder.Build();
        app.UseJobsDashboardPolicy();
        app.UseSecurityHeaders();
        app.UsePlainErrors();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseJobsDashboard();
        app.MapEmbeddedStylesheet("/style.css", typeof(ReviewerApp).Assembly, "Assets.style.css").AllowAnonymous().AnswerHeadLikeGet();
        app.MapDownloads();
        app.MapConsoleApi();
        app.MapRazorPages();
        return app;
    }
}

using Hangfire;
using Hangfire.Dashboard;
using SecureDrop.Net.Reviewer.Sessions;

namespace SecureDrop.Net.Reviewer.Admin;

/// <summary>
/// Hangfire's dashboard at /admin/jobs, for signed-in journalists past both factors: admins may act on jobs,
/// everyone else reads. Job arguments are ids only, so it shows nothing about sources. Its pages need the
/// dashboard's own scripts and a polling request, so its policy allows script and connections to this origin only.
/// </summary>
internal static class JobsDashboard
{
    public const string Path = "/admin/jobs";

    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>Registers the dashboard's policy; call before the app-wide security headers so this one wins for its path.</summary>
    public static IApplicationBuilder UseJobsDashboardPolicy(this IApplicationBuilder app) =>
        app.UseWhen(context => context.Request.Path.StartsWithSegments(Path), branch => branch.Use(static (context, next) =>
        {
            context.Response.OnStarting(static state =>
            {
                ((HttpContext)state).Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
                return Task.CompletedTask;
            }, context);
            return next(context);
        }));

    public static IApplicationBuilder UseJobsDashboard(this IApplicationBuilder app) =>
        app.UseHangfireDashboard(Path, new DashboardOptions
        {
            Authorization = [new SignedInJournalist()],
            IsReadOnlyFunc = context => context.GetHttpContext().UnlockedSession() is not { IsAdmin: true },
            DisplayStorageConnectionString = false,
            AppPath = "/",
            DashboardTitle = "SecureDrop.Net jobs",
        });

    private sealed class SignedInJournalist : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) =>
            context.GetHttpContext().UnlockedSession() is { SecondFactorDone: true };
    }
}

using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;

namespace SecureDrop.Net.Reviewer.Sessions;

/// <summary>
/// Cookie sign-in for the console. The cookie (DataProtection-sealed by ASP.NET) names a server-side session;
/// every request checks that session still exists, so logout, expiry and restarts revoke the cookie at once.
/// </summary>
internal static class ConsoleAuthentication
{
    public const string SessionClaim = "sdnet:session";
    public const string AdminRole = "admin";
    public const string SecondFactorPolicy = "second-factor";
    public const string AdminPolicy = "admin";

    public static IServiceCollection AddConsoleAuthentication(this IServiceCollection services)
    {
        var authentication = services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme);
        authentication.AddCookie(options =>
            {
                options.Cookie.Name = "sdnet-console";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.LoginPath = "/login";
                options.LogoutPath = "/logout";
                options.AccessDeniedPath = "/login/second-factor";
                options.SlidingExpiration = true;
                options.ExpireTimeSpan = JournalistSessions.IdleTimeout;
                // Past both factors, a refusal is final (a journalist on an admin page): 403, not a redirect to the
                // second-factor page, which refuses them too and redirected again until the URL was too long.
                options.Events.OnRedirectToAccessDenied = context =>
                {
                    if (context.HttpContext.UnlockedSession() is { SecondFactorDone: true })
                    {
                        context.Response.StatusCode = StatusCodes.Status403Forbidden;
                        return Task.CompletedTask;
                    }

                    context.Response.Redirect(Relative(context.RedirectUri));
                    return Task.CompletedTask;
                };
                // The cookie handler builds its redirects from the request's Host header; a Location that echoes
                // whatever Host a client sent is an open door for cache poisoning and phishing links. Path only.
                options.Events.OnRedirectToLogin = context =>
                {
                    context.Response.Redirect(Relative(context.RedirectUri));
                    return Task.CompletedTask;
                };
                options.Events.OnRedirectToLogout = context =>
                {
                    context.Response.Redirect(Relative(context.RedirectUri));
                    return Task.CompletedTask;
                };
                options.Events.OnRedirectToReturnUrl = context =>
                {
                    context.Response.Redirect(Relative(context.RedirectUri));
                    return Task.CompletedTask;
                };
                options.Events.OnValidatePrincipal = context =>
                {
                    var sessions = context.HttpContext.RequestServices.GetRequiredService<JournalistSessions>();
                    if (sessions.Find(context.Principal?.FindFirstValue(SessionClaim)) is not { IsApiToken: false })
                    {
                        context.RejectPrincipal();
                    }

                    return Task.CompletedTask;
                };
            });
        // Everything needs a session past both factors, except the sign-in pages themselves.
        var authorization = services.AddAuthorizationBuilder();
        authorization
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser()
                .RequireAssertion(context => context.Resource is HttpContext http && http.UnlockedSession() is { SecondFactorDone: true }).Build())
            .AddPolicy(AdminPolicy, policy => policy.RequireAuthenticatedUser().RequireRole(AdminRole)
                .RequireAssertion(context => context.Resource is HttpContext http && http.UnlockedSession() is { SecondFactorDone: true, IsAdmin: true }))
            .AddPolicy(SecondFactorPolicy, policy => policy.RequireAuthenticatedUser()
                .RequireAssertion(context => context.Resource is HttpContext http && http.UnlockedSession() is { SecondFactorDone: false }));
        Api.BearerTokens.AddTo(authentication, authorization);
        return services;
    }

    public static ClaimsPrincipal Principal(string sessionId, string username, bool isAdmin)
    {
        var claims = new List<Claim> { new(SessionClaim, sessionId), new(ClaimTypes.Name, username) };
        if (isAdmin)
        {
            claims.Add(new Claim(ClaimTypes.Role, AdminRole));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme));
    }

    /// <summary>The path and query of a redirect the cookie handler made absolute; a relative one as it is.</summary>
    internal static string Relative(string redirect) =>
        Uri.TryCreate(redirect, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https" ? absolute.PathAndQuery : redirect;

    /// <summary>The unlocked session behind the signed-in user; the fallback policy guarantees one exists.</summary>
    public static UnlockedSession? UnlockedSession(this HttpContext context) =>
        context?.User.Identity?.AuthenticationType == Api.BearerTokens.SchemeName
            ? context.RequestServices.GetRequiredService<JournalistSessions>().Find(context.User.FindFirstValue(SessionClaim)) is { IsApiToken: true } token ? token : null
            : CookieSession(context!);

    private static UnlockedSession? CookieSession(HttpContext context) =>
        context.RequestServices.GetRequiredService<JournalistSessions>().Find(context.User.FindFirstValue(SessionClaim)) is { IsApiToken: false } session ? session : null;
}

using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using SecureDrop.Net.Reviewer.Sessions;

namespace SecureDrop.Net.Reviewer.Api;

/// <summary>
/// Bearer tokens for the JSON API. A token is the id of a server-side session that holds the unlocked keys, like
/// the console's cookie session, but short-lived (<see cref="JournalistSessions.ApiTokenLifetime"/>) and usable only
/// in an <c>Authorization</c> header: browsers never send it by themselves, so the API needs no antiforgery token,
/// and the API never accepts the console's cookie.
/// </summary>
internal sealed class BearerTokens : AuthenticationHandler<AuthenticationSchemeOptions>
{
    public const string SchemeName = "Bearer";
    public const string Policy = "api";
    public const string AdminPolicy = "api-admin";
    private readonly JournalistSessions _sessions;

    public BearerTokens(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, JournalistSessions sessions)
        : base(options, logger, encoder)
    {
        _sessions = sessions;
    }

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith(SchemeName + " ", StringComparison.Ordinal))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var token = header[(SchemeName.Length + 1)..].Trim();
        if (token.Length != 64 || _sessions.Find(token) is not { IsApiToken: true } session)
        {
            return Task.FromResult(AuthenticateResult.Fail("Unknown or expired token."));
        }

        var claims = new List<Claim> { new(ConsoleAuthentication.SessionClaim, token), new(ClaimTypes.Name, session.Username) };
        if (session.IsAdmin)
        {
            claims.Add(new Claim(ClaimTypes.Role, ConsoleAuthentication.AdminRole));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = SchemeName;
        return Task.CompletedTask;
    }

    public static void AddTo(AuthenticationBuilder authentication, AuthorizationBuilder authorization)
    {
        authentication.AddScheme<AuthenticationSchemeOptions, BearerTokens>(SchemeName, null);
        authorization
            .AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(SchemeName).RequireAuthenticatedUser()
                .RequireAssertion(context => context.Resource is HttpContext http && http.UnlockedSession() is { IsApiToken: true }))
            .AddPolicy(AdminPolicy, policy => policy.AddAuthenticationSchemes(SchemeName).RequireAuthenticatedUser()
                .RequireAssertion(context => context.Resource is HttpContext http && http.UnlockedSession() is { IsApiToken: true, IsAdmin: true }));
    }
}

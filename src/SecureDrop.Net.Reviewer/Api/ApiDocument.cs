using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using SecureDrop.Net.Reviewer.Sessions;

namespace SecureDrop.Net.Reviewer.Api;

/// <summary>
/// The OpenAPI document at <c>/api/v1/openapi.json</c>: the <c>/api/v1</c> routes only (not the console's pages,
/// downloads or stylesheet), each with its responses, and the bearer scheme that every route but the token exchange
/// requires. It is served to a bearer token's holder (the API client that must learn the token request's fields) and
/// to a journalist signed in to the console; an anonymous caller learns nothing from it.
/// </summary>
internal static class ApiDocument
{
    public const string Policy = "api-document";

    /// <summary>Authenticates with the bearer token when one is sent, otherwise with the console's cookie.</summary>
    private const string TokenOrCookieScheme = "token-or-cookie";

    public static IServiceCollection AddApiDocument(this IServiceCollection services, string documentName)
    {
        services.AddAuthentication().AddPolicyScheme(TokenOrCookieScheme, null, options => options.ForwardDefaultSelector = http =>
            http.Request.Headers.Authorization.ToString().StartsWith(BearerTokens.SchemeName + " ", StringComparison.Ordinal)
                ? BearerTokens.SchemeName
                : CookieAuthenticationDefaults.AuthenticationScheme);
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(TokenOrCookieScheme).RequireAuthenticatedUser()
            .RequireAssertion(context => context.Resource is HttpContext http && http.UnlockedSession() is { IsApiToken: true } or { SecondFactorDone: true }));
        services.AddOpenApi(documentName, options =>
        {
            options.ShouldInclude = description => description.RelativePath?.StartsWith("api/v1/", StringComparison.Ordinal) == true;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "SecureDrop.Net console API";
                document.Info.Description = "The journalists' console as JSON. Get a token with POST /api/v1/tokens (user name, passphrase, authenticator code), then send it as 'Authorization: Bearer TOKEN'.";
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerTokens.SchemeName] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "The accessToken of POST /api/v1/tokens: 64 hexadecimal characters, valid for 15 minutes or until revoked.",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                if (metadata.OfType<IAllowAnonymous>().Any())
                {
                    return Task.CompletedTask;
                }

                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerTokens.SchemeName, context.Document)] = [] });
                operation.Responses ??= [];
                operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No token, or an unknown, expired or revoked one." });
                if (metadata.OfType<IAuthorizeData>().Any(a => a.Policy == BearerTokens.AdminPolicy))
                {
                    operation.Responses.TryAdd("403", new OpenApiResponse { Description = "The token is not an admin's." });
                }

                return Task.CompletedTask;
            });
        });
        return services;
    }
}

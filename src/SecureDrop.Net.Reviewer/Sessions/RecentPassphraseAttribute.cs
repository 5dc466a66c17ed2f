using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace SecureDrop.Net.Reviewer.Sessions;

/// <summary>
/// Admin and key actions need the passphrase typed within the last <see cref="MaxAge"/>, not just an open session:
/// a console left unlocked on a desk, or a hijacked session, cannot add accounts or reset passphrases. A POST
/// without a recent passphrase is not carried out; the journalist is sent to <c>/reauthenticate</c> and back.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class RecentPassphraseAttribute : Attribute, IAsyncPageFilter
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        if (HttpMethods.IsPost(http.Request.Method) && !IsRecent(http))
        {
            context.Result = new RedirectResult(ReauthenticatePath(http.Request.Path));
            return;
        }

        await next();
    }

    public static bool IsRecent(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var session = http.UnlockedSession();
        var now = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        return session is not null && now - session.PassphraseEnteredAt <= MaxAge;
    }

    public static string ReauthenticatePath(string returnPath) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/reauthenticate", "return", returnPath);
}

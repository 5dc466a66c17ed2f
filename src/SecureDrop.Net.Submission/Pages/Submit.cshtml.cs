using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SecureDrop.Net.Submission.Hosting;
using SecureDrop.Net.Submission.Localization;
using SecureDrop.Net.Submission.Sessions;
using SecureDrop.Net.Submission.Submissions;

namespace SecureDrop.Net.Submission.Pages;

/// <summary>
/// The upload form, and after a post the page that says exactly what was received (counts and sizes counted
/// while streaming). Antiforgery is checked by <see cref="SubmissionReceiver"/> from the first multipart part:
/// the automatic check would read the whole form, spooling files to disk in plaintext.
/// </summary>
[IgnoreAntiforgeryToken]
[DisableRequestSizeLimit]
internal sealed class SubmitModel : PageModel
{
    private readonly SourceSessions _sessions;
    private readonly EffectiveSettings _settings;
    private readonly SubmissionReceiver _receiver;

    public SubmitModel(SourceSessions sessions, SubmissionReceiver receiver, EffectiveSettings settings)
    {
        _sessions = sessions;
        _receiver = receiver;
        _settings = settings;
    }

    public SubmissionFormView Form { get; private set; } = null!;

    public bool SignedIn { get; private set; } = true;

    public ReceiveResult? Received { get; private set; }

    public string? ErrorKey { get; private set; }

    public string? ErrorArgument { get; private set; }

    public IActionResult OnGet() =>
        _sessions.CurrentSourceId(HttpContext) is null ? Redirect(FrontEndLocalization.Href(HttpContext, "/login")) : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        var sourceId = _sessions.CurrentSourceId(HttpContext);
        if (sourceId is null)
        {
            SignedIn = false;
            ErrorKey = "ErrorSessionEnded";
            // The body is left unread: closing the connection stops the upload instead of draining it.
            HttpContext.Response.Headers.Connection = "close";
            return new PageResult { StatusCode = StatusCodes.Status403Forbidden };
        }

        var result = await _receiver.ReceiveAsync(HttpContext, sourceId);
        if (!result.Succeeded)
        {
            ErrorKey = result.ErrorKey;
            ErrorArgument = result.ErrorArgument;
            if (result.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                HttpContext.Response.Headers.Connection = "close";
            }

            return new PageResult { StatusCode = result.StatusCode };
        }

        Received = result;
        return Page();
    }

    /// <summary>The form shows the limits in force now (the console's settings, else the environment's).</summary>
    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(next);
        Form = SubmissionFormView.From(await _settings.LimitsAsync(HttpContext));
        await next();
    }
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
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
    private readonly SubmissionReceiver _receiver;

    public SubmitModel(SourceSessions sessions, SubmissionReceiver receiver, IOptions<SubmissionLimits> limits)
    {
        _sessions = sessions;
        _receiver = receiver;
        Form = SubmissionFormView.From(limits.Value);
    }

    public SubmissionFormView Form { get; }

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
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Submission.Hosting;
using SecureDrop.Net.Submission.Localization;
using SecureDrop.Net.Submission.Replies;
using SecureDrop.Net.Submission.Sessions;
using SecureDrop.Net.Submission.Submissions;

namespace SecureDrop.Net.Submission.Pages;

/// <summary>
/// A returning source's page: the journalists' replies, opened with the session's reply key and shown as escaped
/// text, each with "delete this reply"; and the follow-up form, which posts to /submit like the first submission.
/// </summary>
[RequestSizeLimit(16 * 1024)]
internal sealed class LookupModel : PageModel
{
    private readonly SourceSessions _sessions;
    private readonly EffectiveSettings _settings;
    private readonly SourceReplies _replies;

    public LookupModel(SourceSessions sessions, SourceReplies replies, EffectiveSettings settings)
    {
        _sessions = sessions;
        _replies = replies;
        _settings = settings;
    }

    public SubmissionFormView Form { get; private set; } = null!;

    public IReadOnlyList<ShownReply> Replies { get; private set; } = [];

    public bool Deleted { get; private set; }

    public string? ErrorKey { get; private set; }

    public async Task<IActionResult> OnGetAsync([FromQuery(Name = "deleted")] int? deleted)
    {
        var session = _sessions.Current(HttpContext);
        if (session is null)
        {
            return Redirect(FrontEndLocalization.Href(HttpContext, "/login"));
        }

        Deleted = deleted == 1;
        Replies = await _replies.ListAsync(session, HttpContext.RequestAborted);
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync([FromForm(Name = "reply")] string? replyId)
    {
        var session = _sessions.Current(HttpContext);
        if (session is null)
        {
            ErrorKey = "ErrorSessionEnded";
            return new PageResult { StatusCode = StatusCodes.Status403Forbidden };
        }

        if (!Ids.IsWellFormed(replyId) || !await _replies.DeleteAsync(session.SourceId, replyId!, HttpContext.RequestAborted))
        {
            ErrorKey = "ErrorReplyNotFound";
            Replies = await _replies.ListAsync(session, HttpContext.RequestAborted);
            return new PageResult { StatusCode = StatusCodes.Status404NotFound };
        }

        // Post/redirect/get: reloading the page never repeats the deletion.
        return Redirect(FrontEndLocalization.Href(HttpContext, "/lookup") + (FrontEndLocalization.ExplicitLanguage(HttpContext) is null ? "?" : "&") + "deleted=1");
    }

    /// <summary>The form shows the limits in force now (the console's settings, else the environment's).</summary>
    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(next);
        Form = SubmissionFormView.From(await _settings.LimitsAsync(HttpContext));
        await next();
    }
}

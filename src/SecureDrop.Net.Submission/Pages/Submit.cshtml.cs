using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using SecureDrop.Net.Submission.Sessions;
using SecureDrop.Net.Submission.Submissions;

namespace SecureDrop.Net.Submission.Pages;

/// <summary>
/// The upload form. Antiforgery is checked by <see cref="SubmissionReceiver"/> from the first multipart part:
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
        MaxFiles = limits.Value.MaxFiles;
    }

    public int MaxFiles { get; }

    public ReceiveResult? Received { get; private set; }

    public string? Error { get; private set; }

    public static string Size(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KiB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):0.##} GiB"),
    };

    public IActionResult OnGet() => _sessions.CurrentSourceId(HttpContext) is null ? Redirect("/login") : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        var sourceId = _sessions.CurrentSourceId(HttpContext);
        if (sourceId is null)
        {
            Error = "Your session has ended. Sign in again with your codename; nothing from this attempt was kept.";
            return new PageResult { StatusCode = StatusCodes.Status403Forbidden };
        }

        var result = await _receiver.ReceiveAsync(HttpContext, sourceId);
        if (!result.Succeeded)
        {
            Error = result.Error;
            return new PageResult { StatusCode = result.StatusCode };
        }

        Received = result;
        return Page();
    }
}

using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SecureDrop.Net.Core.Audit;
using SecureDrop.Net.Core.Settings;
using SecureDrop.Net.Reviewer.Sessions;

namespace SecureDrop.Net.Reviewer.Pages.Admin;

/// <summary>
/// Instance settings the front end applies within seconds: the organisation name on the landing page, the
/// submission limits and text-only mode. An empty field falls back to the environment setting. Saving needs the
/// admin's passphrase typed within the last few minutes and is written to the audit log.
/// </summary>
[Authorize(Policy = ConsoleAuthentication.AdminPolicy)]
[RecentPassphrase]
[RequestSizeLimit(16 * 1024)]
internal sealed class SettingsModel : PageModel
{
    private readonly InstanceSettingsStore _store;
    private readonly AuditLog _audit;

    public SettingsModel(InstanceSettingsStore store, AuditLog audit)
    {
        _store = store;
        _audit = audit;
    }

    public InstanceSettings Current { get; private set; } = InstanceSettings.None;

    public string? Error { get; private set; }

    public bool Saved { get; private set; }

    public async Task OnGetAsync([FromQuery(Name = "saved")] int? saved)
    {
        Saved = saved == 1;
        Current = await _store.ReadFreshAsync(HttpContext.RequestAborted);
    }

    public async Task<IActionResult> OnPostAsync(
        [FromForm(Name = "organisation_name")] string? organisationName,
        [FromForm(Name = "max_submission_bytes")] string? maxSubmissionBytes,
        [FromForm(Name = "max_files")] string? maxFiles,
        [FromForm(Name = "text_only")] string? textOnly)
    {
        var name = string.IsNullOrWhiteSpace(organisationName) ? null : organisationName.Trim();
        if (!TryParse(maxSubmissionBytes, out long? bytes))
        {
            return await RefuseAsync($"Maximum submission size must be a whole number of bytes between {InstanceSettings.MinSubmissionBytesLimit} (1 MiB) and {InstanceSettings.MaxSubmissionBytesLimit} (64 GiB), or empty.");
        }

        if (!TryParse(maxFiles, out long? files) || files is > int.MaxValue or < int.MinValue)
        {
            return await RefuseAsync($"Maximum files must be a whole number between {InstanceSettings.MinFilesLimit} and {InstanceSettings.MaxFilesLimit}, or empty.");
        }

        bool? text;
        switch (textOnly ?? "")
        {
            case "":
                text = null;
                break;
            case "on":
                text = true;
                break;
            case "off":
                text = false;
                break;
            default:
                return await RefuseAsync("Text-only mode must be on, off or empty.");
        }

        var settings = new InstanceSettings(name, bytes, (int?)files, text);
        if (settings.Problem() is { } problem)
        {
            return await RefuseAsync(problem);
        }

        await _store.SaveAsync(settings, HttpContext.RequestAborted);
        await _audit.RecordAsync(HttpContext.UnlockedSession()!.JournalistId, "settings changed", null, HttpContext.RequestAborted);
        return Redirect("/admin/settings?saved=1");
    }

    public static string Show(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    private static bool TryParse(string? text, out long? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            value = parsed;
            return true;
        }

        return false;
    }

    private async Task<IActionResult> RefuseAsync(string error)
    {
        Error = error + " Nothing was saved.";
        Current = await _store.ReadFreshAsync(HttpContext.RequestAborted);
        return new PageResult { StatusCode = StatusCodes.Status400BadRequest };
    }
}

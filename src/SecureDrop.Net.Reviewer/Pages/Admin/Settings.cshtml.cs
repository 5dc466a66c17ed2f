using System.Globalization;
using Hangfire;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SecureDrop.Net.Core.Settings;
using SecureDrop.Net.Reviewer.Sessions;
using SecureDrop.Net.Vault.Audit;
using SecureDrop.Net.Vault.Jobs;
using SecureDrop.Net.Vault.Settings;

namespace SecureDrop.Net.Reviewer.Pages.Admin;

/// <summary>
/// Instance settings applied within seconds without a restart: by the front end the organisation name, the
/// submission limits, text-only mode and the onion address (<c>Onion-Location</c>); by the worker the retention period,
/// the notification period and the ingest window (from its next boundary). An empty field falls back to the
/// environment setting. Saving needs the admin's
/// passphrase typed within the last few minutes and is written to the audit log with the names of the fields changed.
/// The logo is uploaded and removed on <see cref="LogoModel"/>.
/// </summary>
[Authorize(Policy = ConsoleAuthentication.AdminPolicy)]
[RecentPassphrase]
[RequestSizeLimit(16 * 1024)]
internal sealed class SettingsModel : PageModel
{
    private readonly InstanceSettingsStore _store;
    private readonly AuditLog _audit;
    private readonly IngestSchedule _ingest;
    private readonly IRecurringJobManager _recurring;

    public SettingsModel(InstanceSettingsStore store, AuditLog audit, IngestSchedule ingest, IRecurringJobManager recurring)
    {
        _store = store;
        _audit = audit;
        _ingest = ingest;
        _recurring = recurring;
    }

    public InstanceSettings Current { get; private set; } = InstanceSettings.None;

    public string? Error { get; private set; }

    public bool Saved { get; private set; }

    /// <summary>The stored logo's size and dimensions, or null when none is set.</summary>
    public PngCheck? Logo { get; private set; }

    public async Task OnGetAsync([FromQuery(Name = "saved")] int? saved)
    {
        Saved = saved == 1;
        await LoadAsync();
    }

    public async Task<IActionResult> OnPostAsync(
        [FromForm(Name = "organisation_name")] string? organisationName,
        [FromForm(Name = "max_submission_bytes")] string? maxSubmissionBytes,
        [FromForm(Name = "max_files")] string? maxFiles,
        [FromForm(Name = "text_only")] string? textOnly,
        [FromForm(Name = "retention_days")] string? retentionDays,
        [FromForm(Name = "notification_period_minutes")] string? notificationMinutes,
        [FromForm(Name = "onion_address")] string? onionAddress,
        [FromForm(Name = "ingest_window_minutes")] string? ingestWindowMinutes)
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

        long? retention;
        if (string.Equals(retentionDays?.Trim(), "off", StringComparison.OrdinalIgnoreCase))
        {
            retention = 0;
        }
        else if (!TryParse(retentionDays, out retention) || retention is 0 or > int.MaxValue)
        {
            return await RefuseAsync($"Retention period must be a whole number of days between {InstanceSettings.MinRetentionDays} and {InstanceSettings.MaxRetentionDays}, off, or empty.");
        }

        if (!TryParse(notificationMinutes, out long? minutes) || minutes is > int.MaxValue)
        {
            return await RefuseAsync($"Notification period must be a whole number of minutes between {InstanceSettings.MinNotificationPeriodMinutes} and {InstanceSettings.MaxNotificationPeriodMinutes}, or empty.");
        }

        if (!TryParse(ingestWindowMinutes, out long? window) || window is > int.MaxValue)
        {
            return await RefuseAsync("Ingest window: " + IngestWindows.Problem(TimeSpan.Zero));
        }

        string? onion = null;
        if (!string.IsNullOrWhiteSpace(onionAddress))
        {
            if (OnionAddresses.Problem(onionAddress) is { } onionProblem)
            {
                return await RefuseAsync("Onion address: " + onionProblem);
            }

            onion = OnionAddresses.Normalize(onionAddress);
        }

        var settings = new InstanceSettings(name, bytes, (int?)files, text)
        {
            RetentionDays = (int?)retention,
            NotificationPeriodMinutes = (int?)minutes,
            OnionAddress = onion,
            IngestWindowMinutes = (int?)window,
        };
        if (settings.Problem() is { } problem)
        {
            return await RefuseAsync(problem);
        }

        var before = await _store.ReadFreshAsync(HttpContext.RequestAborted);
        await _store.SaveAsync(settings, HttpContext.RequestAborted);
        // The worker's run follows the new window from its next boundary on.
        await _ingest.ApplyAsync(_recurring, HttpContext.RequestAborted);
        await _audit.RecordAsync(HttpContext.UnlockedSession()!.JournalistId, "settings changed", Changed(before, settings), HttpContext.RequestAborted);
        return Redirect("/admin/settings?saved=1");
    }

    /// <summary>What "Retention period" shows: empty for the environment setting, "off", or a number of days.</summary>
    public static string ShowRetention(int? days) => days switch
    {
        null => "",
        0 => "off",
        _ => days.Value.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The names of the fields that changed, for the audit entry (never their values).</summary>
    private static string? Changed(InstanceSettings before, InstanceSettings after)
    {
        var changed = new List<string>();
        void Check(bool differs, string field)
        {
            if (differs)
            {
                changed.Add(field);
            }
        }

        Check(before.OrganisationName != after.OrganisationName, "organisation_name");
        Check(before.MaxSubmissionBytes != after.MaxSubmissionBytes, "max_submission_bytes");
        Check(before.MaxFiles != after.MaxFiles, "max_files");
        Check(before.TextOnly != after.TextOnly, "text_only");
        Check(before.RetentionDays != after.RetentionDays, "retention_days");
        Check(before.NotificationPeriodMinutes != after.NotificationPeriodMinutes, "notification_period_minutes");
        Check(before.OnionAddress != after.OnionAddress, "onion_address");
        Check(before.IngestWindowMinutes != after.IngestWindowMinutes, "ingest_window_minutes");
        return changed.Count == 0 ? "no change" : string.Join(',', changed);
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
        await LoadAsync();
        return new PageResult { StatusCode = StatusCodes.Status400BadRequest };
    }

    private async Task LoadAsync()
    {
        Current = await _store.ReadFreshAsync(HttpContext.RequestAborted);
        Logo = await _store.ReadLogoAsync(HttpContext.RequestAborted) is { } png ? PngLogo.Check(png) : null;
    }
}

using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Custody.Journalists;
using SecureDrop.Net.Reviewer.Sessions;
using SecureDrop.Net.Vault.Audit;

namespace SecureDrop.Net.Reviewer.Pages.Admin;

/// <summary>
/// The audit log for admins, as sentences with times in the reader's time zone to the minute, with the result of
/// verifying its hash chain from the first entry. Without script the page cannot ask the browser for its zone, so
/// the reader picks it once (kept in a cookie of this console); until then it is the server's.
/// </summary>
[Authorize(Policy = ConsoleAuthentication.AdminPolicy)]
internal sealed class AuditModel : PageModel
{
    public const string ZoneCookie = "sdnet-console-zone";
    private const int PageSize = 200;
    private readonly AuditLog _audit;
    private readonly JournalistStore _journalists;
    private readonly AuditSentences _sentences;

    private readonly TimeProvider _time;

    public AuditModel(AuditLog audit, JournalistStore journalists, MetadataDatabase database, TimeProvider time)
    {
        _time = time;
        _audit = audit;
        _journalists = journalists;
        _sentences = new AuditSentences(database);
    }

    public IReadOnlyList<AuditLine> Lines { get; private set; } = [];

    public AuditVerification Verification { get; private set; } = new(true, 0, null, null);

    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Local;

    /// <summary>The zone's offset from UTC now (daylight saving included).</summary>
    public TimeSpan Offset => Zone.GetUtcOffset(_time.GetUtcNow());

    /// <summary>The zones a reader may pick, by IANA id.</summary>
    public static IReadOnlyList<TimeZoneInfo> Zones { get; } =
        [.. TimeZoneInfo.GetSystemTimeZones().Where(z => z.Id.Contains('/', StringComparison.Ordinal) || z.Id == "UTC").OrderBy(z => z.BaseUtcOffset).ThenBy(z => z.Id, StringComparer.Ordinal)];

    public async Task<IActionResult> OnGetAsync([FromQuery(Name = "zone")] string? zone)
    {
        if (zone is not null)
        {
            if (Find(zone) is null)
            {
                return BadRequest("Unknown time zone: choose one from the list.");
            }

            Response.Cookies.Append(ZoneCookie, zone, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = Request.IsHttps, MaxAge = TimeSpan.FromDays(365), Path = "/admin/audit" });
            return Redirect("/admin/audit");
        }

        Zone = Find(Request.Cookies[ZoneCookie]) ?? TimeZoneInfo.Local;
        Verification = await _audit.VerifyAsync(HttpContext.RequestAborted);
        var entries = await _audit.RecentAsync(PageSize, HttpContext.RequestAborted);
        var names = (await _journalists.ListAsync(HttpContext.RequestAborted)).ToDictionary(j => j.Id, j => j.Username, StringComparer.Ordinal);
        var sentences = await _sentences.DescribeAsync(entries, names, HttpContext.RequestAborted);
        Lines = entries.Select((e, i) => new AuditLine(e.Position, When(e.At), e.At, sentences[i])).ToList();
        return Page();
    }

    /// <summary>"2026-12-07 16:05" in the chosen zone; the stored stamp stays in the element's datetime attribute.</summary>
    private string When(string stored) =>
        DateTimeOffset.TryParse(stored, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)
            ? TimeZoneInfo.ConvertTime(at, Zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)
            : stored;

    private static TimeZoneInfo? Find(string? id) =>
        string.IsNullOrEmpty(id) ? null : Zones.FirstOrDefault(z => z.Id.Equals(id, StringComparison.Ordinal));
}

internal sealed record AuditLine(long Position, string When, string Stored, string Sentence);

using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SecureDrop.Net.Core.Settings;
using SecureDrop.Net.Vault.Jobs;
using SecureDrop.Net.Vault.Sources;

namespace SecureDrop.Net.Reviewer.Pages;

/// <summary>The sources list: starred first, then most recently active, filtered and paged by keyset.</summary>
internal sealed class IndexModel : PageModel
{
    private readonly SourceList _list;
    private readonly SourceTriage _triage;
    private readonly IngestSchedule _ingest;

    public IndexModel(SourceList list, SourceTriage triage, IngestSchedule ingest)
    {
        _list = list;
        _triage = triage;
        _ingest = ingest;
    }

    /// <summary>The ingest window in force: new tips appear when it closes.</summary>
    public TimeSpan Window { get; private set; } = IngestWindows.Default;

    [FromQuery(Name = "starred")]
    public bool StarredOnly { get; set; }

    [FromQuery(Name = "unread")]
    public bool UnreadOnly { get; set; }

    [FromQuery(Name = "label")]
    public string? Label { get; set; }

    [FromQuery(Name = "status")]
    public string? Status { get; set; }

    [FromQuery(Name = "after")]
    public string? After { get; set; }

    public IReadOnlyList<SourceSummary> Sources { get; private set; } = [];

    public IReadOnlyList<string> AllLabels { get; private set; } = [];

    public string? NextLink { get; private set; }

    public bool Filtered => StarredOnly || UnreadOnly || Label is not null || Status is not null;

    public async Task<IActionResult> OnGetAsync()
    {
        Label = string.IsNullOrEmpty(Label) ? null : SourceTriage.NormalizeLabel(Label);
        Status = SourceStatus.IsKnown(Status) ? Status : null;
        var cursor = string.IsNullOrEmpty(After) ? null : SourceCursor.Parse(After);
        if (!string.IsNullOrEmpty(After) && cursor is null)
        {
            return BadRequest();
        }

        var page = await _list.PageAsync(new SourceFilter(StarredOnly, UnreadOnly, Label, Status, cursor), HttpContext.RequestAborted);
        Sources = page.Sources;
        AllLabels = await _triage.AllLabelsAsync(HttpContext.RequestAborted);
        Window = await _ingest.WindowAsync(HttpContext.RequestAborted);
        if (page.Next is not null)
        {
            var query = new Dictionary<string, string?> { ["after"] = page.Next.ToString() };
            if (StarredOnly)
            {
                query["starred"] = "true";
            }

            if (UnreadOnly)
            {
                query["unread"] = "true";
            }

            query["label"] = Label;
            query["status"] = Status;
            NextLink = Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/", query.Where(q => q.Value is not null));
        }

        return Page();
    }
}

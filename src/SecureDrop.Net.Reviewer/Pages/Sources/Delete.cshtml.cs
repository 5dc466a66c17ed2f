using Hangfire;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Reviewer.Sessions;
using SecureDrop.Net.Vault.Audit;
using SecureDrop.Net.Vault.Jobs;
using SecureDrop.Net.Vault.Sources;
using SecureDrop.Net.Vault.Submissions;

namespace SecureDrop.Net.Reviewer.Pages.Sources;

/// <summary>
/// Deleting a whole source or one submission, after a confirmation page. The work is queued for the worker's
/// delete job, which erases the ciphertext before the rows, so a crash half-way is finished by a retry.
/// </summary>
[RequestSizeLimit(16 * 1024)]
internal sealed class DeleteModel : PageModel
{
    private readonly SourceRecords _sources;
    private readonly ItemStore _submissions;
    private readonly IBackgroundJobClient _jobs;
    private readonly AuditLog _audit;

    public DeleteModel(SourceRecords sources, ItemStore submissions, IBackgroundJobClient jobs, AuditLog audit)
    {
        _sources = sources;
        _submissions = submissions;
        _jobs = jobs;
        _audit = audit;
    }

    [FromRoute]
    public string Kind { get; set; } = "";

    [FromRoute]
    public string Id { get; set; } = "";

    public string Description { get; private set; } = "";

    public string ReturnPath { get; private set; } = "/";

    public async Task<IActionResult> OnGetAsync() => await DescribeAsync() ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync()
    {
        if (!await DescribeAsync())
        {
            return NotFound();
        }

        var id = Id;
        await _audit.RecordAsync(HttpContext.UnlockedSession()?.JournalistId, Kind == "sources" ? "delete source" : "delete submission", id, HttpContext.RequestAborted);
        if (Kind == "sources")
        {
            _jobs.Enqueue<DeleteJob>(job => job.DeleteSourceAsync(id));
            return Redirect("/");
        }

        _jobs.Enqueue<DeleteJob>(job => job.DeleteSubmissionAsync(id));
        return Redirect(ReturnPath);
    }

    private async Task<bool> DescribeAsync()
    {
        if (!Ids.IsWellFormed(Id))
        {
            return false;
        }

        if (Kind == "sources")
        {
            var source = await _sources.GetAsync(Id, HttpContext.RequestAborted);
            Description = source is null ? "" : $"Source “{source.Designation}” and all {source.SubmissionCount} of its submissions.";
            ReturnPath = $"/sources/{Id}";
            return source is not null;
        }

        var itemIds = await _submissions.ItemIdsAsync(Id, HttpContext.RequestAborted);
        var item = itemIds.Count > 0 ? await _submissions.ItemAsync(itemIds[0], HttpContext.RequestAborted) : null;
        Description = item is null ? "" : $"This submission, received {item.ReceivedDay}.";
        ReturnPath = item is null ? "/" : $"/sources/{item.SourceId}";
        return item is not null;
    }
}

using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SecureDrop.Net.Core.Audit;
using SecureDrop.Net.Core.Journalists;
using SecureDrop.Net.Reviewer.Sessions;

namespace SecureDrop.Net.Reviewer.Pages.Admin;

/// <summary>The audit log for admins, with the result of verifying its hash chain from the first entry.</summary>
[Authorize(Policy = ConsoleAuthentication.AdminPolicy)]
internal sealed class AuditModel : PageModel
{
    private const int PageSize = 200;
    private readonly AuditLog _audit;
    private readonly JournalistStore _journalists;

    public AuditModel(AuditLog audit, JournalistStore journalists)
    {
        _audit = audit;
        _journalists = journalists;
    }

    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];

    public IReadOnlyDictionary<string, string> Names { get; private set; } = new Dictionary<string, string>();

    public AuditVerification Verification { get; private set; } = new(true, 0, null, null);

    public async Task OnGetAsync()
    {
        Verification = await _audit.VerifyAsync(HttpContext.RequestAborted);
        Entries = await _audit.RecentAsync(PageSize, HttpContext.RequestAborted);
        Names = (await _journalists.ListAsync(HttpContext.RequestAborted)).ToDictionary(j => j.Id, j => j.Username, StringComparer.Ordinal);
    }
}

using Microsoft.AspNetCore.Mvc.RazorPages;
using SecureDrop.Net.Core.Sources;

namespace SecureDrop.Net.Reviewer.Pages;

internal sealed class IndexModel : PageModel
{
    private readonly SourceStore _sources;

    public IndexModel(SourceStore sources)
    {
        _sources = sources;
    }

    public IReadOnlyList<SourceSummary> Sources { get; private set; } = [];

    public async Task OnGetAsync()
    {
        Sources = await _sources.ListAsync(HttpContext.RequestAborted);
    }
}

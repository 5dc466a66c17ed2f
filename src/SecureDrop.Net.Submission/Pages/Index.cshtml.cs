using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using SecureDrop.Net.Core.Keys;
using SecureDrop.Net.Submission.Hosting;

namespace SecureDrop.Net.Submission.Pages;

/// <summary>The landing page: what this is, who reads it, how to stay safe, and the newsroom key's fingerprint.</summary>
internal sealed class IndexModel : PageModel
{
    private readonly NewsroomKeys _keys;

    public IndexModel(NewsroomKeys keys, IOptions<FrontEndOptions> options)
    {
        _keys = keys;
        NewsroomName = options.Value.NewsroomName;
    }

    public string Fingerprint { get; private set; } = "";

    public string NewsroomName { get; }

    public void OnGet()
    {
        Fingerprint = _keys.LoadActivePublicKey().DisplayFingerprint;
    }
}

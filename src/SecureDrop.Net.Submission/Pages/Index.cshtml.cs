using Microsoft.AspNetCore.Mvc.RazorPages;
using SecureDrop.Net.Core.Keys;

namespace SecureDrop.Net.Submission.Pages;

internal sealed class IndexModel : PageModel
{
    private readonly NewsroomKeys _keys;

    public IndexModel(NewsroomKeys keys)
    {
        _keys = keys;
    }

    public string Fingerprint { get; private set; } = "";

    public void OnGet()
    {
        Fingerprint = _keys.LoadActivePublicKey().DisplayFingerprint;
    }
}

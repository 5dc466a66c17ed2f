using Microsoft.AspNetCore.Mvc.RazorPages;
using SecureDrop.Net.Core.Keys;
using SecureDrop.Net.Submission.Hosting;

namespace SecureDrop.Net.Submission.Pages;

/// <summary>The landing page: what this is, who reads it, how to stay safe, and the newsroom key's fingerprint.</summary>
internal sealed class IndexModel : PageModel
{
    private readonly NewsroomKeys _keys;
    private readonly EffectiveSettings _settings;

    public IndexModel(NewsroomKeys keys, EffectiveSettings settings)
    {
        _keys = keys;
        _settings = settings;
    }

    public string Fingerprint { get; private set; } = "";

    /// <summary>The newsroom key is post-quantum (RFC 9980, ML-KEM): the page says which protection a tip gets.</summary>
    public bool PostQuantum { get; private set; }

    public string NewsroomName { get; private set; } = "";

    public async Task OnGetAsync()
    {
        NewsroomName = await _settings.NewsroomNameAsync(HttpContext);
        var key = _keys.LoadActivePublicKey();
        Fingerprint = key.DisplayFingerprint;
        PostQuantum = key.IsPostQuantum;
    }
}

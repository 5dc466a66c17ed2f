using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SecureDrop.Net.Core.Keys;
using SecureDrop.Net.Core.Replies;
using SecureDrop.Net.Custody.Keys;
using SecureDrop.Net.Reviewer.Sessions;

namespace SecureDrop.Net.Reviewer.Pages.Admin;

/// <summary>
/// The newsroom keys: which is active, which are retired, how many items, metadata headers and replies each still
/// opens, and the re-wrap section (RewrapViewComponent). Rotating and destroying keys is sdnet's job on the server.
/// </summary>
[Authorize(Policy = ConsoleAuthentication.AdminPolicy)]
internal sealed class KeysModel : PageModel
{
    private readonly NewsroomKeys _keys;
    private readonly ItemKeyStore _submissions;
    private readonly ReplyStore _replies;

    public KeysModel(NewsroomKeys keys, ItemKeyStore submissions, ReplyStore replies)
    {
        _keys = keys;
        _submissions = submissions;
        _replies = replies;
    }

    public IReadOnlyList<NewsroomKeyRecord> Keys { get; private set; } = [];

    /// <summary>Items, metadata headers and replies by the key they are on.</summary>
    public KeyUsage Usage { get; private set; } = new(new Dictionary<string, KeyUsageCount>(), KeyUsageCount.None);

    /// <summary>Items, metadata headers and replies not yet on the active key: what a re-wrap still has to do.</summary>
    public KeyUsageCount OnOlderKeys => Usage.NotOnActive;

    public async Task OnGetAsync()
    {
        Keys = _keys.Records();
        Usage = await KeyUsage.ReadAsync(_keys, _submissions, _replies, HttpContext.RequestAborted);
    }

    public static string Spaced(string fingerprint) => string.Join(' ', fingerprint.Chunk(4).Select(c => new string(c)));
}

using Microsoft.AspNetCore.Mvc;
using SecureDrop.Net.Custody.Keys;

namespace SecureDrop.Net.Reviewer.Keys;

/// <summary>What the re-wrap section of the Keys page shows.</summary>
internal sealed record RewrapPanel(KeyUsageCount OnOlderKeys, RewrapStatus Status, bool ServedHere, bool Started)
{
    public string ServedBy => string.Join(" and ", Status.Servers.Select(RewrapServer.Describe).Distinct(StringComparer.Ordinal));
}

/// <summary>
/// The re-wrap section of the admin Keys page: how many items, headers and replies are still on older keys, the
/// progress of the last re-wrap (whether sdnet keys rewrap or an admin's console session serves it), and the form
/// that starts one served by this session.
/// </summary>
/// <remarks>Public because MVC discovers public view components only.</remarks>
public sealed class RewrapViewComponent : ViewComponent
{
    public IViewComponentResult Invoke(KeyUsageCount onOlderKeys)
    {
        // Resolved here: the class is public for MVC's discovery, the service internal.
        var rewrap = HttpContext.RequestServices.GetRequiredService<ConsoleRewrap>();
        var status = RewrapRuns.ReadStatus(rewrap.Storage);
        var started = HttpContext.Request.Query["rewrap"] == "started";
        return View(new RewrapPanel(onOlderKeys, status, rewrap.ServingSession is not null, started));
    }
}

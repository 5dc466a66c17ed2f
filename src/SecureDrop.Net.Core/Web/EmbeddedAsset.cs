using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SecureDrop.Net.Core.Web;

/// <summary>
/// Serves a stylesheet compiled into the app's assembly. Each role runs from the one sdnet executable, so
/// assets travel inside the assembly instead of depending on a wwwroot beside it.
/// </summary>
public static class EmbeddedAsset
{
    public static IEndpointConventionBuilder MapEmbeddedStylesheet(this IEndpointRouteBuilder endpoints, string path, Assembly assembly, string resourceSuffix)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith(resourceSuffix, StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var content = buffer.ToArray();
        return endpoints.MapGet(path, () => Results.Bytes(content, "text/css; charset=utf-8"));
    }
}

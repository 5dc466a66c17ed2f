using System.Reflection;
using Microsoft.AspNetCore.Mvc.ApplicationParts;

namespace SecureDrop.Net.Core.Web;

/// <summary>
/// sdnet hosts every role from one executable, so MVC's default discovery could find the other app's pages too
/// (the console's pages served by the front end). Each app registers its own assembly and nothing else.
/// </summary>
public static class ApplicationParts
{
    public static void OnlyAssembly(ApplicationPartManager parts, Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(parts);
        parts.ApplicationParts.Clear();
        foreach (var part in ApplicationPartFactory.GetApplicationPartFactory(assembly).GetApplicationParts(assembly))
        {
            parts.ApplicationParts.Add(part);
        }
    }
}

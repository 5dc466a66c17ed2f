using System.Globalization;
using Microsoft.Extensions.Localization;

namespace SecureDrop.Net.Submission.Localization;

/// <summary>Resource strings written in ICU MessageFormat (see <see cref="MessageFormat"/>), in the request's language.</summary>
internal static class MessageText
{
    public static string Format(this IStringLocalizer localizer, string key, params ReadOnlySpan<(string Name, object Value)> arguments)
    {
        ArgumentNullException.ThrowIfNull(localizer);
        var named = new Dictionary<string, object>(arguments.Length, StringComparer.Ordinal);
        foreach (var (name, value) in arguments)
        {
            named[name] = value;
        }

        return MessageFormat.Format(localizer[key].Value, CultureInfo.CurrentUICulture, named);
    }
}

using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.WebEncoders;

namespace SecureDrop.Net.Core.Web;

public static class WebDefaults
{
    /// <summary>
    /// Razor escapes every non-ASCII letter as a numeric entity by default; Korean pages and tips in any script
    /// should reach the reader as text. Markup-significant characters are still escaped.
    /// </summary>
    public static IServiceCollection AddUnicodeHtmlEncoding(this IServiceCollection services) =>
        services.Configure<WebEncoderOptions>(options => options.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
}

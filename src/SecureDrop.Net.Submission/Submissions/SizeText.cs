using System.Globalization;
using System.Resources;
using SecureDrop.Net.Submission.Localization;

namespace SecureDrop.Net.Submission.Submissions;

/// <summary>
/// Sizes as people read them, in the request's language: "79 bytes", "4.4 KB" ("79바이트", "4.4KB"). Units of 1,024,
/// as the limits are set and as most file managers count; the words come from the resource files.
/// </summary>
internal static class SizeText
{
    private static readonly ResourceManager Resources = new("SecureDrop.Net.Submission.Resources.SharedResource", typeof(SizeText).Assembly);

    public static string Format(long bytes) => bytes switch
    {
        < 1024 => Unit("SizeBytes", bytes),
        < 1024 * 1024 => Unit("SizeKilobytes", Math.Round(bytes / 1024m, 1)),
        < 1024L * 1024 * 1024 => Unit("SizeMegabytes", Math.Round(bytes / (1024m * 1024), 1)),
        _ => Unit("SizeGigabytes", Math.Round(bytes / (1024m * 1024 * 1024), 1)),
    };

    private static string Unit(string key, decimal amount)
    {
        var culture = CultureInfo.CurrentUICulture;
        var pattern = Resources.GetString(key, culture) ?? throw new InvalidOperationException($"The resource {key} is missing.");
        return MessageFormat.Format(pattern, culture, new Dictionary<string, object> { ["n"] = amount });
    }
}

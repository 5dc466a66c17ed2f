using System.Text.RegularExpressions;

namespace SecureDrop.Net.Testing;

/// <summary>Reads what a browser without JavaScript would read from a page: hidden fields, links, text.</summary>
public static partial class HtmlForms
{
    public static string HiddenValue(string html, string name)
    {
        foreach (Match input in InputTag().Matches(html))
        {
            var tag = input.Value;
            if (Attribute(tag, "name") == name)
            {
                return WebUtility.HtmlDecode(Attribute(tag, "value") ?? "");
            }
        }

        throw new InvalidOperationException($"No input named '{name}' in the page.");
    }

    public static string AntiforgeryToken(string html) => HiddenValue(html, "__RequestVerificationToken");

    public static IReadOnlyList<string> Links(string html, string hrefPrefix) =>
        [.. Href().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).Where(h => h.StartsWith(hrefPrefix, StringComparison.Ordinal))];

    public static string ElementText(string html, string id)
    {
        var match = Regex.Match(html, $"<[a-z]+[^>]*id=\"{Regex.Escape(id)}\"[^>]*>(.*?)</", RegexOptions.Singleline);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value).Trim() : throw new InvalidOperationException($"No element with id '{id}'.");
    }

    private static string? Attribute(string tag, string name)
    {
        var match = Regex.Match(tag, $"\\s{name}=\"([^\"]*)\"");
        return match.Success ? match.Groups[1].Value : null;
    }

    [GeneratedRegex("<input\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InputTag();

    [GeneratedRegex("href=\"([^\"]+)\"")]
    private static partial Regex Href();
}

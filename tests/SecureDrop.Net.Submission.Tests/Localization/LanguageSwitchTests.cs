using System.Text.RegularExpressions;
using SecureDrop.Net.Submission.Tests.Support;

namespace SecureDrop.Net.Submission.Tests.Localization;

/// <summary>
/// A language is its resource file (issue 20, "one place per change"): the switch on every page offers English and
/// each SharedResource.{culture}.resx in the source tree, each under its own name, with nothing listed elsewhere.
/// </summary>
public sealed partial class LanguageSwitchTests
{
    [Fact]
    public async Task LanguageSwitch_OffersEnglishAndEveryResourceFile_EachInItsOwnLanguage()
    {
        var resources = Path.Combine(Repository.Root, "src", "SecureDrop.Net.Submission", "Resources");
        var expected = Directory.GetFiles(resources, "SharedResource.*.resx")
            .Select(file => Path.GetFileNameWithoutExtension(file).Split('.')[1])
            .Order(StringComparer.Ordinal)
            .Prepend("en")
            .ToList();
        await using var host = await FrontEndHost.StartAsync();
        using var client = new SourceClient(host.Address);

        var landing = await client.Http.GetStringAsync(new Uri("/?lang=ko", UriKind.Relative));

        Assert.Equal(expected, LanguageLink().Matches(landing).Select(match => match.Groups[1].Value));
        var names = LanguageLink().Matches(landing).ToDictionary(match => match.Groups[1].Value, match => match.Groups[3].Value);
        Assert.Equal("English", names["en"]);
        Assert.Equal("한국어", names["ko"]);
        Assert.Contains("id=\"lang-ko\" aria-current=\"true\"", landing, StringComparison.Ordinal);
    }

    [GeneratedRegex("id=\"lang-([A-Za-z-]+)\"([^>]*)>([^<]*)</a>")]
    private static partial Regex LanguageLink();
}

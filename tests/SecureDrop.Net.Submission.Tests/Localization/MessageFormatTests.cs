using System.Collections;
using System.Globalization;
using System.Resources;
using SecureDrop.Net.Submission.Localization;
using SecureDrop.Net.Submission.Submissions;

namespace SecureDrop.Net.Submission.Tests.Localization;

/// <summary>
/// Sentences as a reader of each language writes them: whole Korean sentences chosen per case (particles fixed by the
/// word they follow, never "을(를)"), English plurals, sizes in units people read.
/// </summary>
public sealed class MessageFormatTests
{
    private static readonly ResourceManager Resources = new("SecureDrop.Net.Submission.Resources.SharedResource", typeof(SubmissionApp).Assembly);

    [Theory]
    [InlineData("en", "both", 1, 79, "We received your message (22 bytes) and 1 file (79 bytes). Everything was encrypted as it arrived.")]
    [InlineData("en", "both", 2, 4506, "We received your message (22 bytes) and 2 files (4.4 KB in all). Everything was encrypted as it arrived.")]
    [InlineData("en", "message", 0, 0, "We received your message (22 bytes). Everything was encrypted as it arrived.")]
    [InlineData("en", "files", 1, 1, "We received 1 file (1 byte). Everything was encrypted as it arrived.")]
    [InlineData("ko", "both", 1, 79, "메시지(22바이트)와 파일 1개(79바이트)를 받았습니다. 받은 내용은 도착하는 즉시 모두 암호화했습니다.")]
    [InlineData("ko", "both", 3, 4506, "메시지(22바이트)와 파일 3개(모두 4.4KB)를 받았습니다. 받은 내용은 도착하는 즉시 모두 암호화했습니다.")]
    [InlineData("ko", "message", 0, 0, "메시지(22바이트)를 받았습니다. 받은 내용은 도착하는 즉시 모두 암호화했습니다.")]
    [InlineData("ko", "files", 1, 3 * 1024 * 1024, "파일 1개(3MB)를 받았습니다. 받은 내용은 도착하는 즉시 모두 암호화했습니다.")]
    public void ReceivedSummary_ReadsAsASentence(string language, string what, int files, long fileBytes, string expected)
    {
        var text = InCulture(language, () => Format(language, "ReceivedSummary",
            ("what", what), ("messageSize", SizeText.Format(22)), ("files", files), ("fileSize", SizeText.Format(fileBytes))));

        Assert.Equal(expected, text);
        Assert.DoesNotContain("(를)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("(을)", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en", 1, "1 byte")]
    [InlineData("en", 1023, "1,023 bytes")]
    [InlineData("en", 1536, "1.5 KB")]
    [InlineData("en", 2L * 1024 * 1024 * 1024, "2 GB")]
    [InlineData("ko", 79, "79바이트")]
    [InlineData("ko", 500L * 1024 * 1024, "500MB")]
    public void Sizes_AreInUnitsPeopleRead(string language, long bytes, string expected)
    {
        Assert.Equal(expected, InCulture(language, () => SizeText.Format(bytes)));
    }

    [Theory]
    [InlineData("{n, plural, =0 {none} one {# thing} other {# things}}", 0, "none")]
    [InlineData("{n, plural, =0 {none} one {# thing} other {# things}}", 1, "1 thing")]
    [InlineData("{n, plural, =0 {none} one {# thing} other {# things}}", 1234, "1,234 things")]
    [InlineData("The journalists' replies: '{'n'}' is {n}", 5, "The journalists' replies: {n} is 5")]
    [InlineData("It''s {n, select, 5 {five} other {not five}}", 5, "It's five")]
    public void Patterns_FollowIcuSyntax(string pattern, int n, string expected)
    {
        Assert.Equal(expected, MessageFormat.Format(pattern, new CultureInfo("en"), new Dictionary<string, object> { ["n"] = n }));
    }

    [Theory]
    [InlineData("{n, plural, one {x}}")]
    [InlineData("{n, plural, other {x}")]
    [InlineData("text }")]
    [InlineData("{n, date}")]
    public void MalformedPatterns_AreRefused(string pattern)
    {
        Assert.Throws<FormatException>(() => MessageFormat.Parse(pattern));
    }

    [Fact]
    public void EveryResourceString_ParsesInEveryLanguage()
    {
        foreach (var culture in new[] { CultureInfo.InvariantCulture, new CultureInfo("ko") })
        {
            foreach (DictionaryEntry entry in Resources.GetResourceSet(culture, true, false)!)
            {
                var value = (string)entry.Value!;
                if (value.Contains(", plural,", StringComparison.Ordinal) || value.Contains(", select,", StringComparison.Ordinal) || !value.Contains("{0}", StringComparison.Ordinal))
                {
                    var exception = Record.Exception(() => MessageFormat.Parse(value));
                    Assert.True(exception is null, $"{culture.Name}/{entry.Key}: {exception?.Message}");
                }
            }
        }
    }

    private static string Format(string language, string key, params (string Name, object Value)[] arguments) =>
        MessageFormat.Format(Resources.GetString(key, new CultureInfo(language))!, new CultureInfo(language), arguments.ToDictionary(a => a.Name, a => a.Value));

    private static string InCulture(string language, Func<string> action)
    {
        var saved = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = new CultureInfo(language);
        try
        {
            return action();
        }
        finally
        {
            CultureInfo.CurrentUICulture = saved;
        }
    }
}

using System.Globalization;
using SecureDrop.Net.Submission.Submissions;

namespace SecureDrop.Net.Submission.Tests.Submissions;

/// <summary>
/// A file name that hides, reorders or breaks its text is refused, not cleaned: every control, line separator,
/// paragraph separator and format character in Unicode (categories Cc, Zl, Zp, Cf), not a hand-made list.
/// </summary>
public sealed class UploadFileNameTests
{
    public static TheoryData<int> InvisibleOrBreaking() => [.. CodePoints()];

    private static IEnumerable<int> CodePoints() =>
        Enumerable.Range(0, 0x110000).Where(value => Rune.IsValid(value) && Rune.GetUnicodeCategory(new Rune(value)) is UnicodeCategory.Control
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Format);

    [Fact]
    public void TheListCoversTheSeparatorsAndTheKnownTricks()
    {
        var all = CodePoints().ToHashSet();

        Assert.Superset(new HashSet<int> { 0x0A, 0x0D, 0x85, 0x2028, 0x2029, 0x202E, 0x2066, 0x061C, 0x200B, 0x200D, 0xFEFF, 0xE0001 }, all);
    }

    [Theory]
    [MemberData(nameof(InvisibleOrBreaking))]
    public void Name_WithAnInvisibleOrBreakingCharacter_IsRefused(int codePoint)
    {
        var (name, error) = UploadFileName.Check("report" + char.ConvertFromUtf32(codePoint) + ".pdf");

        Assert.Null(name);
        Assert.Equal("ErrorFileNameControl", error);
    }

    [Theory]
    [InlineData("Bericht über Öl.pdf")]
    [InlineData("보고서 최종.hwp")]
    [InlineData("تقرير.docx")]
    [InlineData("résumé (2).txt")]
    public void Name_InAnyScript_IsKept(string given) => Assert.Equal((given, (string?)null), UploadFileName.Check(given));
}

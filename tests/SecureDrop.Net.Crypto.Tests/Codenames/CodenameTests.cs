namespace SecureDrop.Net.Crypto.Tests.Codenames;

public sealed class CodenameTests
{
    [Fact]
    public void WordList_Has7776UniqueLowerCaseWords()
    {
        IReadOnlyList<string> words = Codename.Words;

        Assert.Equal(7776, words.Count);
        Assert.Equal(7776, words.Distinct(StringComparer.Ordinal).Count());
        Assert.All(words, word => Assert.Matches("^[a-z]+(-[a-z]+)?$", word));
        Assert.Equal("abacus", words[0]);
        Assert.Equal("zoom", words[^1]);
    }

    [Fact]
    public void Generate_GivesSevenListWordsSeparatedBySingleSpaces()
    {
        string codename = Codename.Generate();

        string[] words = codename.Split(' ');
        Assert.Equal(Codename.WordCount, words.Length);
        Assert.All(words, word => Assert.Contains(word, Codename.Words));
        Assert.True(Codename.IsWellFormed(codename));
    }

    [Fact]
    public void Generate_WithWordCount_GivesThatManyWords()
    {
        Assert.Equal(4, Codename.Generate(4).Split(' ').Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => Codename.Generate(0));
    }

    [Fact]
    public void Generate_ManyTimes_DrawsAcrossTheList()
    {
        // 200 codenames = 1,400 draws: a generator stuck on a corner of the list would show up here.
        var seen = new HashSet<string>(Enumerable.Range(0, 200).SelectMany(_ => Codename.Generate().Split(' ')));

        Assert.True(seen.Count > 1000, $"only {seen.Count} distinct words in 1,400 draws");
    }

    [Theory]
    [InlineData("  Foo   BAR\tbaz ", "foo bar baz")]
    [InlineData("\n ABACUS\r\nzoom\u00A0able  ", "abacus zoom able")]
    [InlineData("", "")]
    [InlineData(" \t ", "")]
    public void Normalize_LowerCasesTrimsAndCollapsesWhitespace(string input, string expected)
    {
        Assert.Equal(expected, Codename.Normalize(input));
    }

    [Theory]
    [InlineData("abacus abdomen abdominal abide abiding ability ablaze", true)]
    [InlineData("  ABACUS abdomen\tabdominal abide  abiding ability Ablaze ", true)]
    [InlineData("abacus abdomen abdominal abide abiding ability", false)]
    [InlineData("abacus abdomen abdominal abide abiding ability ablaze zoom", false)]
    [InlineData("abacus abdomen abdominal abide abiding ability notaword", false)]
    [InlineData("abacus-abdomen abdominal abide abiding ability ablaze", false)]
    [InlineData("", false)]
    public void IsWellFormed_AcceptsOnlySevenListWords(string input, bool expected)
    {
        Assert.Equal(expected, Codename.IsWellFormed(input));
    }
}

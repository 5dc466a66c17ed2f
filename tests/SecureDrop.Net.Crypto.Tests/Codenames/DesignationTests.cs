namespace SecureDrop.Net.Crypto.Tests.Codenames;

public sealed class DesignationTests
{
    [Fact]
    public void Generate_GivesAdjectiveSpaceNoun()
    {
        string[] parts = Designation.Generate().Split(' ');

        Assert.Equal(2, parts.Length);
        Assert.Contains(parts[0], Designation.AdjectiveWords);
        Assert.Contains(parts[1], Designation.NounWords);
    }

    [Fact]
    public void Lists_HaveAtLeast200PlainUniqueWordsEach_AndDoNotOverlap()
    {
        Assert.True(Designation.AdjectiveWords.Count >= 200);
        Assert.True(Designation.NounWords.Count >= 200);
        Assert.All(Designation.AdjectiveWords.Concat(Designation.NounWords), word => Assert.Matches("^[a-z]+$", word));
        Assert.Equal(Designation.AdjectiveWords.Count, Designation.AdjectiveWords.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(Designation.NounWords.Count, Designation.NounWords.Distinct(StringComparer.Ordinal).Count());
        Assert.Empty(Designation.AdjectiveWords.Intersect(Designation.NounWords, StringComparer.Ordinal));
    }
}

namespace SecureDrop.Net.Crypto;

/// <summary>
/// One language's codename words: its list, and how many words a codename drawn from it has so that it carries at
/// least as much entropy as the English codename (7 words of 7,776, about 90.5 bits).
/// </summary>
public sealed class CodenameWordList
{
    private readonly Lazy<EmbeddedWordList> _list;

    internal CodenameWordList(string language, string displayName, string resourceName, int listSize)
    {
        Language = language;
        DisplayName = displayName;
        ListSize = listSize;
        _list = new(() =>
        {
            var list = EmbeddedWordList.Load(resourceName, CodenameText.Fold);
            return list.Words.Count == listSize
                ? list
                : throw new InvalidOperationException($"The embedded word list {resourceName} has {list.Words.Count} words, not {listSize}.");
        });
    }

    /// <summary>The language code (BCP 47 primary tag) of the page this list is drawn for: "en", "ko".</summary>
    public string Language { get; }

    /// <summary>The language's own name for itself ("English", "한국어").</summary>
    public string DisplayName { get; }

    /// <summary>Number of words in the list.</summary>
    public int ListSize { get; }

    /// <summary>Number of words in a codename drawn from this list.</summary>
    public int WordCount => Codename.WordCountFor(ListSize);

    /// <summary>Entropy of a codename drawn from this list, in bits.</summary>
    public double Bits => WordCount * Math.Log2(ListSize);

    internal IReadOnlyList<string> Words => _list.Value.Words;

    internal bool Contains(string word) => _list.Value.Lookup.Contains(word);

    internal string Draw() => _list.Value.Draw();
}

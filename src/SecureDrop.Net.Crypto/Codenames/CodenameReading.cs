namespace SecureDrop.Net.Crypto;

/// <summary>What <see cref="Codename.Read"/> made of a typed codename.</summary>
public enum CodenameReadingStatus
{
    /// <summary>A whole codename of one list: <see cref="CodenameReading.Canonical"/> is its canonical text.</summary>
    Codename,

    /// <summary>Nothing but white space.</summary>
    Empty,

    /// <summary>Word number <see cref="CodenameReading.Position"/>, <see cref="CodenameReading.Word"/>, is in no list.</summary>
    NotAWord,

    /// <summary>Every word is in a list, but not all in the same one.</summary>
    Mixed,

    /// <summary>Every word is in <see cref="CodenameReading.List"/>, but there are <see cref="CodenameReading.WordsTyped"/> of them.</summary>
    WrongLength,
}

/// <summary>
/// The outcome of reading a typed codename. <see cref="Canonical"/> and <see cref="Word"/> are secret (a codename, or
/// a piece of one): show them only to the person who typed them, never log or store them.
/// </summary>
public sealed class CodenameReading
{
    private CodenameReading(CodenameReadingStatus status)
    {
        Status = status;
    }

    public CodenameReadingStatus Status { get; }

    /// <summary>True when the text is a whole codename.</summary>
    public bool IsCodename => Status == CodenameReadingStatus.Codename;

    /// <summary>The codename's canonical text (words joined by single spaces), what the source identity is derived from.</summary>
    public string? Canonical { get; private init; }

    /// <summary>The list the words came from (for a codename or a wrong length).</summary>
    public CodenameWordList? List { get; private init; }

    /// <summary>The 1-based position of the word in no list.</summary>
    public int Position { get; private init; }

    /// <summary>The word in no list, as folded.</summary>
    public string? Word { get; private init; }

    /// <summary>How many words were read.</summary>
    public int WordsTyped { get; private init; }

    internal static CodenameReading Empty { get; } = new(CodenameReadingStatus.Empty);

    internal static CodenameReading Codename(CodenameWordList list, string canonical) =>
        new(CodenameReadingStatus.Codename) { List = list, Canonical = canonical, WordsTyped = list.WordCount };

    internal static CodenameReading NotAWord(int position, string word) =>
        new(CodenameReadingStatus.NotAWord) { Position = position, Word = word };

    internal static CodenameReading Mixed(int wordsTyped) => new(CodenameReadingStatus.Mixed) { WordsTyped = wordsTyped };

    internal static CodenameReading WrongLength(CodenameWordList list, int wordsTyped) =>
        new(CodenameReadingStatus.WrongLength) { List = list, WordsTyped = wordsTyped };
}

using System.Text;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Source codenames and generated passphrases: words drawn uniformly with the operating system's CSPRNG from a
/// language's list — English: the EFF large wordlist (7,776 words, 7 words, about 90.5 bits); Korean: BIP39's
/// Korean list (2,048 words, 9 words, 99 bits). A codename in any language is accepted whatever the page's language,
/// and which language it was drawn in is stored nowhere: the lookup id is derived from its canonical text alone.
/// </summary>
/// <remarks>
/// A codename is the source's only credential, so it must be unguessable: never derive words from anything but
/// <see cref="System.Security.Cryptography.RandomNumberGenerator"/>. The returned strings are secrets: do not log,
/// store or put them in a cookie (see the architecture's invariants).
/// </remarks>
public static class Codename
{
    /// <summary>Number of words in an English codename (the bits every other language must at least match).</summary>
    public const int WordCount = 7;

    private const int EnglishListSize = 7776;

    /// <summary>English, the EFF large wordlist; also the list of journalists' generated passphrases.</summary>
    public static readonly CodenameWordList English =
        new("en", "English", "SecureDrop.Net.Crypto.Codenames.eff_large_wordlist.txt", EnglishListSize);

    /// <summary>Korean, BIP39's Korean list.</summary>
    public static readonly CodenameWordList Korean =
        new("ko", "한국어", "SecureDrop.Net.Crypto.Codenames.korean.txt", 2048);

    /// <summary>Every list a codename may come from; sign-in tries each.</summary>
    public static IReadOnlyList<CodenameWordList> Lists { get; } = [English, Korean];

    internal static IReadOnlyList<string> Words => English.Words;

    /// <summary>The list for a page language ("ko", "ko-KR"); English for any language without its own list.</summary>
    public static CodenameWordList ForLanguage(string? language)
    {
        foreach (var list in Lists)
        {
            if (language is not null && (language.Equals(list.Language, StringComparison.OrdinalIgnoreCase)
                || language.StartsWith(list.Language + "-", StringComparison.OrdinalIgnoreCase)))
            {
                return list;
            }
        }

        return English;
    }

    /// <summary>A new English source codename: <see cref="WordCount"/> words joined by single spaces.</summary>
    public static string Generate() => Generate(English);

    /// <summary>A new source codename from <paramref name="list"/>, its words joined by single spaces.</summary>
    public static string Generate(CodenameWordList list)
    {
        ArgumentNullException.ThrowIfNull(list);
        return Draw(list, list.WordCount);
    }

    /// <summary>A new phrase of <paramref name="wordCount"/> English words joined by single spaces.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="wordCount"/> is less than 1.</exception>
    public static string Generate(int wordCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(wordCount, 1);
        return Draw(English, wordCount);
    }

    /// <summary>
    /// The canonical form of loosely typed text: Hangul composed, full-width letters made ASCII, invisible characters
    /// dropped, lower case (invariant), trimmed, every run of white space one space. For ASCII this is what it has
    /// always been, so the lookup ids of existing English codenames do not change. A typed codename's canonical form,
    /// with words run together split again, is <see cref="Read"/>'s <see cref="CodenameReading.Canonical"/>.
    /// </summary>
    public static string Normalize(string input) => CodenameText.Fold(input);

    /// <summary>True when <paramref name="input"/> reads as a whole codename of one list (see <see cref="Read"/>).</summary>
    public static bool IsWellFormed(string input) => Read(input).IsCodename;

    /// <summary>
    /// Reads what a source typed as a codename of any list, tolerant of spacing (extra, missing between words that
    /// run together, other kinds of space), case and Unicode normalisation; or says what is wrong with it: which
    /// word is in no list, that it mixes lists, or how many words it has against how many it needs.
    /// </summary>
    public static CodenameReading Read(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        string folded = Normalize(input);
        if (folded.Length == 0)
        {
            return CodenameReading.Empty;
        }

        var words = new List<string>();
        CodenameWordList? language = null;
        bool mixed = false;
        foreach (string token in folded.Split(' '))
        {
            var (list, parts) = Recognise(token);
            if (list is null)
            {
                return CodenameReading.NotAWord(words.Count + 1, token);
            }

            mixed |= language is not null && language != list;
            language ??= list;
            words.AddRange(parts);
        }

        if (mixed)
        {
            return CodenameReading.Mixed(words.Count);
        }

        return words.Count == language!.WordCount
            ? CodenameReading.Codename(language, string.Join(' ', words))
            : CodenameReading.WrongLength(language, words.Count);
    }

    /// <summary>The fewest words from a list of <paramref name="listSize"/> that carry the English codename's bits.</summary>
    internal static int WordCountFor(int listSize) =>
        (int)Math.Ceiling(WordCount * Math.Log2(EnglishListSize) / Math.Log2(listSize) - 1e-9);

    private static (CodenameWordList? List, IReadOnlyList<string> Words) Recognise(string token)
    {
        foreach (var list in Lists)
        {
            if (list.Contains(token))
            {
                return (list, [token]);
            }
        }

        // Words typed without the space between them: accepted when they split into list words in exactly one way.
        (CodenameWordList? List, IReadOnlyList<string> Words) found = (null, []);
        foreach (var list in Lists)
        {
            if (Split(list, token) is { } parts)
            {
                if (found.List is not null)
                {
                    return (null, []);
                }

                found = (list, parts);
            }
        }

        return found;
    }

    /// <summary>The one way <paramref name="token"/> splits into words of <paramref name="list"/>, or null (none or several).</summary>
    private static List<string>? Split(CodenameWordList list, string token)
    {
        const int MaxWordLength = 16;
        // ways[i]: in how many ways (counted up to 2) token[i..] splits into words; next[i]: where the first word ends.
        var ways = new int[token.Length + 1];
        var next = new int[token.Length + 1];
        ways[token.Length] = 1;
        for (int i = token.Length - 1; i >= 0; i--)
        {
            for (int end = i + 1; end <= Math.Min(token.Length, i + MaxWordLength); end++)
            {
                if (ways[end] > 0 && list.Contains(token[i..end]))
                {
                    ways[i] = Math.Min(2, ways[i] + ways[end]);
                    next[i] = end;
                }
            }
        }

        if (ways[0] != 1)
        {
            return null;
        }

        var words = new List<string>();
        for (int i = 0; i < token.Length; i = next[i])
        {
            words.Add(token[i..next[i]]);
        }

        return words;
    }

    private static string Draw(CodenameWordList list, int wordCount)
    {
        var builder = new StringBuilder();
        for (int i = 0; i < wordCount; i++)
        {
            builder.Append(i == 0 ? "" : " ").Append(list.Draw());
        }

        return builder.ToString();
    }
}

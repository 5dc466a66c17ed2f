using System.Text;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Source codenames and generated passphrases: words drawn uniformly with the operating system's CSPRNG from the
/// EFF large wordlist (7,776 words, about 12.9 bits each; a 7-word codename carries about 90.5 bits).
/// </summary>
/// <remarks>
/// A codename is the source's only credential, so it must be unguessable: never derive words from anything but
/// <see cref="System.Security.Cryptography.RandomNumberGenerator"/>. The returned strings are secrets: do not log,
/// store or put them in a cookie (see the architecture's invariants).
/// </remarks>
public static class Codename
{
    /// <summary>Number of words in a source codename.</summary>
    public const int WordCount = 7;

    private const string ResourceName = "SecureDrop.Net.Crypto.Codenames.eff_large_wordlist.txt";

    private static readonly Lazy<EmbeddedWordList> List = new(() => EmbeddedWordList.Load(ResourceName));

    internal static IReadOnlyList<string> Words => List.Value.Words;

    /// <summary>A new source codename: <see cref="WordCount"/> words joined by single spaces.</summary>
    public static string Generate() => Generate(WordCount);

    /// <summary>A new phrase of <paramref name="wordCount"/> words joined by single spaces.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="wordCount"/> is less than 1.</exception>
    public static string Generate(int wordCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(wordCount, 1);
        EmbeddedWordList list = List.Value;
        var words = new string[wordCount];
        for (int i = 0; i < words.Length; i++)
        {
            words[i] = list.Draw();
        }

        return string.Join(' ', words);
    }

    /// <summary>
    /// The canonical form a source may have typed loosely: lower case (invariant culture), trimmed, every run of
    /// white space collapsed into one space.
    /// </summary>
    public static string Normalize(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var builder = new StringBuilder(input.Length);
        bool pendingSpace = false;
        foreach (char c in input)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            // Lower case per character: the list is lower case and Turkish-style culture rules must not apply.
            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }

    /// <summary>
    /// True when <paramref name="input"/>, once normalized, is exactly <see cref="WordCount"/> words from the list.
    /// Cheap, so it can reject typos before an expensive key derivation; it checks every word before answering.
    /// </summary>
    public static bool IsWellFormed(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        string[] words = Normalize(input).Split(' ');
        if (words.Length != WordCount)
        {
            return false;
        }

        var lookup = List.Value.Lookup;
        bool allKnown = true;
        foreach (string word in words)
        {
            allKnown &= lookup.Contains(word);
        }

        return allKnown;
    }
}

using System.Collections.Frozen;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// A word list shipped inside this assembly. Loaded once; the loader refuses a list with duplicates or blank
/// lines because either would silently lower the entropy of every phrase drawn from it.
/// </summary>
internal sealed class EmbeddedWordList
{
    private EmbeddedWordList(string[] words)
    {
        Words = words;
        Lookup = words.ToFrozenSet(StringComparer.Ordinal);
    }

    public IReadOnlyList<string> Words { get; }

    public FrozenSet<string> Lookup { get; }

    public static EmbeddedWordList Load(string resourceName) => Load(resourceName, static word => word);

    /// <summary>Loads a list, keeping each word in the form <paramref name="canonical"/> gives it.</summary>
    public static EmbeddedWordList Load(string resourceName, Func<string, string> canonical)
    {
        ArgumentNullException.ThrowIfNull(canonical);
        using Stream stream = typeof(EmbeddedWordList).Assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"The embedded word list {resourceName} is missing from the assembly.");
        using var reader = new StreamReader(stream);
        var words = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line.Trim() != line)
            {
                throw new InvalidOperationException($"The embedded word list {resourceName} has a blank or padded line.");
            }

            words.Add(canonical(line));
        }

        var list = new EmbeddedWordList(words.ToArray());
        if (list.Lookup.Count != words.Count)
        {
            throw new InvalidOperationException($"The embedded word list {resourceName} has duplicate words.");
        }

        return list;
    }

    /// <summary>Draws one word uniformly with the operating system's CSPRNG.</summary>
    public string Draw() => Words[System.Security.Cryptography.RandomNumberGenerator.GetInt32(Words.Count)];
}

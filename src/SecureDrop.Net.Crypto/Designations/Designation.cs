namespace SecureDrop.Net.Crypto;

/// <summary>
/// Journalist-facing names for sources such as "quiet heron": an adjective and a noun drawn with the operating
/// system's CSPRNG from plain, inoffensive lists shipped in this assembly.
/// </summary>
/// <remarks>
/// A designation is a label, not a secret and not an identifier: with roughly 300 × 260 combinations it will
/// repeat across many sources, so callers must key records by id and may retry on a collision they care about.
/// It is random rather than derived from the codename so that it reveals nothing about the source's credential.
/// </remarks>
public static class Designation
{
    private static readonly Lazy<EmbeddedWordList> Adjectives =
        new(() => EmbeddedWordList.Load("SecureDrop.Net.Crypto.Designations.adjectives.txt"));

    private static readonly Lazy<EmbeddedWordList> Nouns =
        new(() => EmbeddedWordList.Load("SecureDrop.Net.Crypto.Designations.nouns.txt"));

    internal static IReadOnlyList<string> AdjectiveWords => Adjectives.Value.Words;

    internal static IReadOnlyList<string> NounWords => Nouns.Value.Words;

    /// <summary>A new designation: an adjective, one space, a noun, all lower case.</summary>
    public static string Generate() => Adjectives.Value.Draw() + " " + Nouns.Value.Draw();
}

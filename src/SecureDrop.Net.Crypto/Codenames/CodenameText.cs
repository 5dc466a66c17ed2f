using System.Text;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Folds what a source typed into the form the word lists are kept in: Hangul composed (NFC), full-width Latin
/// letters and digits made ASCII, invisible format characters dropped, lower case, every run of white space one
/// space, trimmed.
/// </summary>
/// <remarks>
/// Written here rather than with <see cref="string.Normalize(NormalizationForm)"/> because the front end runs with
/// invariant globalization (no ICU, see ServiceEnvironment), where that method returns non-ASCII text unchanged:
/// measured with .NET 10, NFD "한글" stayed four conjoining jamo. The codename lists hold only ASCII words and Hangul
/// syllables, and for those two scripts the folding is exact: Hangul composition is the algorithm of Unicode §3.12
/// (the same arithmetic ICU uses for Hangul), and full-width forms U+FF01–U+FF5E map one to one onto ASCII as in
/// their compatibility decompositions. Anything else passes through and simply matches no word.
/// </remarks>
internal static class CodenameText
{
    private const int SBase = 0xAC00;
    private const int LBase = 0x1100;
    private const int VBase = 0x1161;
    private const int TBase = 0x11A7;
    private const int LCount = 19;
    private const int VCount = 21;
    private const int TCount = 28;
    private const int NCount = VCount * TCount;
    private const int SCount = LCount * NCount;

    public static string Fold(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var builder = new StringBuilder(input.Length);
        bool pendingSpace = false;
        foreach (char raw in input)
        {
            char c = FoldWidth(raw);
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (IsInvisible(c))
            {
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            if (builder.Length > 0 && TryCompose(builder[^1], c, out char composed))
            {
                builder[^1] = composed;
                continue;
            }

            // Lower case per character: the lists are lower case and Turkish-style culture rules must not apply.
            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }

    private static char FoldWidth(char c) => c is >= '\uFF01' and <= '\uFF5E' ? (char)(c - 0xFEE0) : c;

    // Zero-width spaces and joiners, the word joiner, the byte-order mark and the soft hyphen: invisible, so a
    // source cannot see them to remove them, and they come along with copied text.
    private static bool IsInvisible(char c) => c is '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF' or '\u00AD';

    private static bool TryCompose(char first, char second, out char composed)
    {
        int l = first - LBase;
        int v = second - VBase;
        if (l is >= 0 and < LCount && v is >= 0 and < VCount)
        {
            composed = (char)(SBase + ((l * VCount) + v) * TCount);
            return true;
        }

        int s = first - SBase;
        int t = second - TBase;
        if (s is >= 0 and < SCount && s % TCount == 0 && t is > 0 and < TCount)
        {
            composed = (char)(first + t);
            return true;
        }

        composed = default;
        return false;
    }
}

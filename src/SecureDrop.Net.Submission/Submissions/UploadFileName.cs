using System.Globalization;
using System.Text;
using Microsoft.Net.Http.Headers;

namespace SecureDrop.Net.Submission.Submissions;

/// <summary>
/// The name a browser sent for an uploaded file, carried inside the encrypted literal packet. A name that carries a
/// path, control characters (including bidirectional overrides, which disguise an extension) or more than 255
/// characters is refused, not cleaned: the source is told what is wrong and nothing is kept, rather than the
/// newsroom receiving a name the source never chose. Names within 255 characters but over OpenPGP's 255 UTF-8 bytes
/// are shortened at a character boundary.
/// </summary>
internal static class UploadFileName
{
    public const int MaxCharacters = 255;
    private const int MaxUtf8Bytes = 255;

    /// <summary>The name to store, or null with the resource key of the reason it is refused.</summary>
    public static (string? Name, string? ErrorKey) FromContentDisposition(string? contentDisposition)
    {
        if (!ContentDispositionHeaderValue.TryParse(contentDisposition, out var disposition))
        {
            return ("upload", null);
        }

        var raw = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
        return Check(raw);
    }

    public static (string? Name, string? ErrorKey) Check(string? raw)
    {
        var name = raw ?? "";
        if (name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal))
        {
            return (null, "ErrorFileNamePath");
        }

        if (name.EnumerateRunes().Any(IsControl))
        {
            return (null, "ErrorFileNameControl");
        }

        if (name.Length > MaxCharacters)
        {
            return (null, "ErrorFileNameTooLong");
        }

        var result = name.Trim().TrimStart('.');
        while (Encoding.UTF8.GetByteCount(result) > MaxUtf8Bytes)
        {
            result = result[..^(char.IsLowSurrogate(result[^1]) ? 2 : 1)];
        }

        return (result.Length == 0 ? "upload" : result, null);
    }

    // C0/C1 controls; line and paragraph separators (U+2028, U+2029: a name that breaks a line where a list shows it);
    // and every invisible format character, those that reorder text among them (RLO makes "gpj.exe" read as
    // "exe.jpg"; U+061C, U+2066-2069 isolate and mark direction), hide it (zero-width spaces and joiners, word joiner,
    // soft hyphen) or tag it (U+E0001-E007F). Unicode's categories Cc, Zl, Zp and Cf, from .NET's own tables.
    private static bool IsControl(Rune rune) => Rune.GetUnicodeCategory(rune) is
        UnicodeCategory.Control or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Format;
}

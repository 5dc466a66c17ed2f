using System.Text;
using Microsoft.Net.Http.Headers;

namespace SecureDrop.Net.Submission.Submissions;

/// <summary>
/// The name a browser sent for an uploaded file, reduced to something safe to carry inside the encrypted literal
/// packet: no directories, no control characters, and at most 200 bytes of UTF-8 (OpenPGP allows 255).
/// </summary>
internal static class UploadFileName
{
    private const int MaxUtf8Bytes = 200;

    public static string FromContentDisposition(string? contentDisposition)
    {
        if (!ContentDispositionHeaderValue.TryParse(contentDisposition, out var disposition))
        {
            return "upload";
        }

        var raw = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
        return Sanitize(raw);
    }

    public static string Sanitize(string? raw)
    {
        var name = (raw ?? "").Replace('\\', '/');
        name = name[(name.LastIndexOf('/') + 1)..];
        var cleaned = new StringBuilder(name.Length);
        foreach (var rune in name.EnumerateRunes())
        {
            if (!Rune.IsControl(rune) && rune.Value != 0xFEFF)
            {
                cleaned.Append(rune.ToString());
            }
        }

        var result = cleaned.ToString().Trim().TrimStart('.');
        while (Encoding.UTF8.GetByteCount(result) > MaxUtf8Bytes)
        {
            result = result[..^(char.IsLowSurrogate(result[^1]) ? 2 : 1)];
        }

        return result.Length == 0 ? "upload" : result;
    }
}

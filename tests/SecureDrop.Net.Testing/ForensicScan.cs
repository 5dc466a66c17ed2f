namespace SecureDrop.Net.Testing;

/// <summary>
/// Searches every file under a directory for secrets that must never reach disk in clear: as raw bytes, UTF-8
/// and UTF-16, and base64 and hex of the UTF-8 form.
/// </summary>
public static class ForensicScan
{
    /// <param name="roots">Directories to search, recursively; missing ones are skipped.</param>
    /// <param name="canaries">What must not be found, by a name for the report.</param>
    /// <param name="include">Which files to read (e.g. only those changed since the test began, in a shared /tmp).</param>
    public static IReadOnlyList<string> Find(IEnumerable<string> roots, IReadOnlyDictionary<string, byte[]> canaries, Func<FileInfo, bool>? include = null)
    {
        ArgumentNullException.ThrowIfNull(canaries);
        var patterns = canaries.SelectMany(c => Encodings(c.Value).Select(e => (c.Key, e.Name, Bytes: e.Value))).ToList();
        var hits = new List<string>();
        foreach (var root in roots.Where(Directory.Exists))
        {
            var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
            foreach (var file in Directory.EnumerateFiles(root, "*", options))
            {
                byte[] content;
                try
                {
                    // Empty files hold nothing, and FIFOs and sockets (a shared /tmp has both) report length 0:
                    // opening a FIFO to read would wait for a writer forever.
                    var info = new FileInfo(file);
                    if (info.Length == 0 || (include is not null && !include(info)))
                    {
                        continue;
                    }

                    content = File.ReadAllBytes(file);
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    continue;
                }

                foreach (var (canary, encoding, bytes) in patterns)
                {
                    if (content.AsSpan().IndexOf(bytes) >= 0)
                    {
                        hits.Add($"{canary} ({encoding}) in {file}");
                    }
                }
            }
        }

        return hits;
    }

    public static byte[] Text(string value) => Encoding.UTF8.GetBytes(value);

    private static IEnumerable<(string Name, byte[] Value)> Encodings(byte[] value)
    {
        yield return ("raw", value);
        if (value.Length >= 12)
        {
            // Base64 of a prefix aligned to 3 bytes is found whatever precedes it in a larger encoded blob at the same alignment.
            yield return ("base64", Encoding.ASCII.GetBytes(Convert.ToBase64String(value[..(value.Length / 3 * 3)])));
            yield return ("hex", Encoding.ASCII.GetBytes(Convert.ToHexStringLower(value)));
            yield return ("HEX", Encoding.ASCII.GetBytes(Convert.ToHexString(value)));
            var text = Encoding.UTF8.GetString(value);
            if (!text.Contains('\uFFFD', StringComparison.Ordinal))
            {
                yield return ("utf-16", Encoding.Unicode.GetBytes(text));
            }
        }
    }
}

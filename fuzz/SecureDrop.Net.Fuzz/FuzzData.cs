using SecureDrop.Net.Crypto;

namespace SecureDrop.Net.Fuzz;

/// <summary>Where the committed fuzz data lives: fuzz/ in the repository, copied beside the build as fuzz-data/.</summary>
internal static class FuzzData
{
    public static string Root
    {
        get
        {
            var beside = Path.Combine(AppContext.BaseDirectory, "fuzz-data");
            return Environment.GetEnvironmentVariable("SDNET_FUZZ_DATA") is { Length: > 0 } configured ? configured : beside;
        }
    }

    public static string Corpus(string target) => Path.Combine(Root, "corpus", target);

    public static string Regressions(string target) => Path.Combine(Root, "regressions", target);

    /// <summary>The fixed newsroom key the message target decrypts with (a test key, committed on purpose).</summary>
    public static NewsroomSecretKey LoadKey() =>
        NewsroomSecretKey.FromStorageBytes(File.ReadAllBytes(Path.Combine(Root, "keys", "fuzz-newsroom.key")));

    /// <summary>Every file under the target's seed corpus and regression folders, in a stable order.</summary>
    public static IReadOnlyList<(string Path, byte[] Bytes)> Inputs(string target) =>
        [.. new[] { Corpus(target), Regressions(target) }
            .Where(Directory.Exists)
            .SelectMany(d => Directory.GetFiles(d).Order(StringComparer.Ordinal))
            .Select(f => (f, File.ReadAllBytes(f)))];
}

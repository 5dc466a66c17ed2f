using Org.BouncyCastle.Bcpg;

namespace SecureDrop.Net.Crypto.Tests;

/// <summary>The committed known-answer files under Vectors/ (their sources: Vectors/README.md), read from the source tree.</summary>
internal static class Vectors
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "tests", "SecureDrop.Net.Crypto.Tests", "Vectors");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("The Vectors directory of SecureDrop.Net.Crypto.Tests was not found above the test binaries.");
    });

    /// <summary>The file's bytes as committed (armored).</summary>
    public static byte[] Read(string relativePath) => File.ReadAllBytes(Path.Combine(Root.Value, relativePath));

    /// <summary>The file's binary packets, armor removed.</summary>
    public static byte[] Binary(string relativePath)
    {
        using var armored = new ArmoredInputStream(new MemoryStream(Read(relativePath)));
        using var binary = new MemoryStream();
        armored.CopyTo(binary);
        return binary.ToArray();
    }
}

namespace SecureDrop.Net.Proof.Tests.Invariants;

/// <summary>The repository's own source, for the tests that hold every file under src/ to a rule.</summary>
internal static class SourceTree
{
    /// <summary>The folder holding SecureDrop.Net.sln, above the test's output folder.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Every C# file under src/ (build output left out), as paths relative to <see cref="Root"/> with '/'.</summary>
    public static IReadOnlyList<string> CSharpFiles() =>
        [.. Directory.GetFiles(Path.Combine(Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/'))];

    public static string Read(string relativePath) => File.ReadAllText(Path.Combine(Root, relativePath));

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SecureDrop.Net.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (SecureDrop.Net.sln) is not above the test's folder.");
    }
}

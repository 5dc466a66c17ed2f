using System.Text.RegularExpressions;

namespace SecureDrop.Net.Proof.Tests.Invariants;

/// <summary>
/// Logs carry ids and counts only (ARCHITECTURE.md), so an operator tells events apart by their event id: each
/// [LoggerMessage] in src/ must have its own (RewrapJob and ReconcileJob once shared 2101).
/// </summary>
public sealed partial class LogEventIdTests
{
    [Fact]
    public void EveryLoggerMessageInSource_HasItsOwnEventId()
    {
        var root = RepositoryRoot();
        var ids = Directory.GetFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => EventId().Matches(File.ReadAllText(f)).Select(m => (Id: int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), File: Path.GetRelativePath(root, f))))
            .ToList();

        var shared = ids.GroupBy(entry => entry.Id).Where(group => group.Count() > 1)
            .Select(group => $"{group.Key}: {string.Join(", ", group.Select(entry => entry.File))}")
            .ToList();

        Assert.True(ids.Count >= 20, $"Only {ids.Count} [LoggerMessage] event ids found under src/: is the pattern still right?");
        Assert.True(shared.Count == 0, "Event ids used more than once: " + string.Join("; ", shared));
    }

    private static string RepositoryRoot()
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

    [GeneratedRegex(@"\[LoggerMessage\(\s*EventId\s*=\s*(\d+)")]
    private static partial Regex EventId();
}

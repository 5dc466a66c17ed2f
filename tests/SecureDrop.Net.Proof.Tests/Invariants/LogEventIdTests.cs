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
        var ids = SourceTree.CSharpFiles()
            .SelectMany(f => EventId().Matches(SourceTree.Read(f)).Select(m => (Id: int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), File: f)))
            .ToList();

        var shared = ids.GroupBy(entry => entry.Id).Where(group => group.Count() > 1)
            .Select(group => $"{group.Key}: {string.Join(", ", group.Select(entry => entry.File))}")
            .ToList();

        Assert.True(ids.Count >= 20, $"Only {ids.Count} [LoggerMessage] event ids found under src/: is the pattern still right?");
        Assert.True(shared.Count == 0, "Event ids used more than once: " + string.Join("; ", shared));
    }

    [GeneratedRegex(@"\[LoggerMessage\(\s*EventId\s*=\s*(\d+)")]
    private static partial Regex EventId();
}

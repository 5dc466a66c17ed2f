using SecureDrop.Net.Core.Submissions;

namespace SecureDrop.Net.Submission.Submissions;

/// <summary>What the source is told: counts and sizes counted while streaming, never anything read back from disk.</summary>
internal sealed record ReceiveResult(bool Succeeded, int StatusCode, string? Error)
{
    public long MessageBytes { get; init; }

    public int FileCount { get; init; }

    public long FileBytes { get; init; }

    public List<NewItem> Items { get; } = [];

    public static ReceiveResult Fail(int statusCode, string error) => new(false, statusCode, error);
}

using SecureDrop.Net.Core.Submissions;

namespace SecureDrop.Net.Submission.Submissions;

/// <summary>
/// What the source is told: counts and sizes counted while streaming, never anything read back from disk.
/// A failure carries a resource key (see SharedResource.resx) and an optional argument, worded by the page.
/// </summary>
internal sealed record ReceiveResult(bool Succeeded, int StatusCode, string? ErrorKey, string? ErrorArgument = null)
{
    public long MessageBytes { get; init; }

    public int FileCount { get; init; }

    public long FileBytes { get; init; }

    public List<NewItem> Items { get; } = [];

    public static ReceiveResult Fail(int statusCode, string errorKey, string? argument = null) => new(false, statusCode, errorKey, argument);
}

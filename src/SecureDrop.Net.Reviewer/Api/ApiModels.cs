using SecureDrop.Net.Reviewer.Sources;
using SecureDrop.Net.Vault.Sources;

namespace SecureDrop.Net.Reviewer.Api;

internal sealed record TokenRequest(string? Username, string? Passphrase, string? Code);

internal sealed record TokenResponse(string AccessToken, string TokenType, int ExpiresIn);

internal sealed record SourceDto(string Id, string Designation, string LastActivityDay, long Submissions, long Unread, bool Starred, string Status, IReadOnlyList<string> Labels)
{
    public static SourceDto From(SourceSummary source) =>
        new(source.Id, source.Designation, source.LastActivityDay, source.SubmissionCount, source.UnreadItems, source.Starred, source.Status, source.Labels);
}

internal sealed record SourcePageDto(IReadOnlyList<SourceDto> Sources, string? Next);

internal sealed record ItemDto(string Id, string SubmissionId, int Submission, string Kind, string ReceivedDay, bool Read,
    string? FileName, long? Size, string? ContentType, string? Text, string? Error)
{
    public static ItemDto From(ConversationEntry entry) => new(
        entry.Item.Id, entry.Item.SubmissionId, entry.Item.SubmissionNumber, entry.Item.Kind, entry.Item.ReceivedDay, entry.Item.IsRead,
        entry.File?.FileName, entry.File?.Size, entry.File?.ContentType, entry.Text, entry.Error);
}

internal sealed record ConversationDto(SourceDto Source, IReadOnlyList<ItemDto> Items);

internal sealed record StarRequest(bool Starred);

internal sealed record StatusRequest(string? Status);

internal sealed record LabelRequest(string? Label);

internal sealed record ReadRequest(string? Item, bool Read);

internal sealed record JournalistDto(string Id, string Username, bool Admin, bool Disabled, bool Locked, bool TotpEnrolled);

internal sealed record AuditCheckDto(bool Intact, long Entries, long? FirstBadPosition, string? Problem);

internal static class ApiResults
{
    public static IResult Problem(int status, string detail) => Results.Problem(statusCode: status, detail: detail);

    public static IResult From(ActionOutcome outcome) =>
        outcome.Missing ? Results.NotFound() : outcome.Problem is not null ? Problem(StatusCodes.Status400BadRequest, outcome.Problem) : Results.NoContent();
}

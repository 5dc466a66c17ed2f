using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Reviewer.Sessions;
using SecureDrop.Net.Vault.Audit;
using SecureDrop.Net.Vault.Sources;

namespace SecureDrop.Net.Reviewer.Sources;

/// <summary>
/// Stars, statuses, labels and read flags, for the pages and the JSON API alike: checked, applied, and written to
/// the audit log under the acting journalist.
/// </summary>
internal sealed class SourceActions
{
    private readonly SourceRecords _sources;
    private readonly SourceTriage _triage;
    private readonly AuditLog _audit;

    public SourceActions(SourceRecords sources, SourceTriage triage, AuditLog audit)
    {
        _sources = sources;
        _triage = triage;
        _audit = audit;
    }

    public Task<ActionOutcome> StarAsync(UnlockedSession session, string sourceId, bool starred, CancellationToken cancellationToken) =>
        ActAsync(session, sourceId, starred ? "star source" : "unstar source", sourceId, () => _triage.SetStarredAsync(sourceId, starred, cancellationToken), cancellationToken);

    public Task<ActionOutcome> StatusAsync(UnlockedSession session, string sourceId, string? status, CancellationToken cancellationToken) =>
        !SourceStatus.IsKnown(status)
            ? Task.FromResult(ActionOutcome.Invalid($"A status is one of: {string.Join(", ", SourceStatus.All)}."))
            : ActAsync(session, sourceId, "set source status", $"{sourceId} {status}", () => _triage.SetStatusAsync(sourceId, status!, cancellationToken), cancellationToken);

    public async Task<ActionOutcome> AddLabelAsync(UnlockedSession session, string sourceId, string? label, CancellationToken cancellationToken)
    {
        var normalized = SourceTriage.NormalizeLabel(label);
        if (normalized is null)
        {
            return ActionOutcome.Invalid("A label is 1 to 40 letters, digits, spaces, dashes or underscores, starting with a letter or digit.");
        }

        var outcome = ActionOutcome.Done;
        var result = await ActAsync(session, sourceId, "add label", $"{sourceId} {normalized}", async () =>
        {
            if (!await _triage.AddLabelAsync(sourceId, normalized, cancellationToken))
            {
                outcome = ActionOutcome.Invalid($"A source has at most {SourceTriage.MaxLabelsPerSource} labels.");
            }

            return true;
        }, cancellationToken);
        return result.Succeeded ? outcome : result;
    }

    public Task<ActionOutcome> RemoveLabelAsync(UnlockedSession session, string sourceId, string? label, CancellationToken cancellationToken)
    {
        var normalized = SourceTriage.NormalizeLabel(label);
        return normalized is null
            ? Task.FromResult(ActionOutcome.Invalid("No such label."))
            : ActAsync(session, sourceId, "remove label", $"{sourceId} {normalized}", async () =>
            {
                await _triage.RemoveLabelAsync(sourceId, normalized, cancellationToken);
                return true;
            }, cancellationToken);
    }

    /// <summary>Marks one item (or, with no item, all of the source's) read or unread.</summary>
    public Task<ActionOutcome> SetReadAsync(UnlockedSession session, string sourceId, string? itemId, bool read, CancellationToken cancellationToken)
    {
        if (itemId is not null && !Ids.IsWellFormed(itemId))
        {
            return Task.FromResult(ActionOutcome.Invalid("Not an item id."));
        }

        return ActAsync(session, sourceId, read ? "mark read" : "mark unread", itemId is null ? sourceId : $"{sourceId} {itemId}", async () =>
        {
            await _triage.SetReadAsync(sourceId, itemId is null ? null : [itemId], read, cancellationToken);
            return true;
        }, cancellationToken);
    }

    private async Task<ActionOutcome> ActAsync(UnlockedSession session, string sourceId, string action, string subject, Func<Task<bool>> apply, CancellationToken cancellationToken)
    {
        if (!Ids.IsWellFormed(sourceId) || await _sources.GetAsync(sourceId, cancellationToken) is null || !await apply())
        {
            return ActionOutcome.NotFound;
        }

        await _audit.RecordAsync(session.JournalistId, action, subject, cancellationToken);
        return ActionOutcome.Done;
    }
}

internal sealed record ActionOutcome(bool Succeeded, bool Missing, string? Problem)
{
    public static ActionOutcome Done { get; } = new(true, false, null);

    public static ActionOutcome NotFound { get; } = new(false, true, null);

    public static ActionOutcome Invalid(string problem) => new(false, false, problem);
}

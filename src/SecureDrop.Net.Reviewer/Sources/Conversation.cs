using System.Text;
using SecureDrop.Net.Core.Audit;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Sources;
using SecureDrop.Net.Core.Submissions;
using SecureDrop.Net.Crypto;
using SecureDrop.Net.Reviewer.Items;
using SecureDrop.Net.Reviewer.Sessions;

namespace SecureDrop.Net.Reviewer.Sources;

/// <summary>
/// One source's conversation, in the order it was sent: messages decrypted (the pages escape them), files described
/// from their sealed headers without decrypting the files. Opening it is audit-logged and marks the messages read.
/// </summary>
internal sealed class Conversation
{
    private readonly SourceStore _sources;
    private readonly SourceTriage _triage;
    private readonly SubmissionStore _submissions;
    private readonly ItemReader _reader;
    private readonly AuditLog _audit;

    public Conversation(SourceStore sources, SourceTriage triage, SubmissionStore submissions, ItemReader reader, AuditLog audit)
    {
        _sources = sources;
        _triage = triage;
        _submissions = submissions;
        _reader = reader;
        _audit = audit;
    }

    public async Task<OpenedConversation?> OpenAsync(string sourceId, UnlockedSession session, CancellationToken cancellationToken)
    {
        var source = Ids.IsWellFormed(sourceId) ? await _sources.GetAsync(sourceId, cancellationToken) : null;
        if (source is null)
        {
            return null;
        }

        source.Labels = await _triage.LabelsOfAsync(sourceId, cancellationToken);
        var entries = new List<ConversationEntry>();
        foreach (var item in await _submissions.ItemsOfSourceAsync(sourceId, cancellationToken))
        {
            entries.Add(await OpenAsync(item, session, cancellationToken));
        }

        await _audit.RecordAsync(session.JournalistId, "view source", sourceId, cancellationToken);
        var unreadMessages = entries.Where(e => e.Item.IsMessage && !e.Item.IsRead && e.Error is null).Select(e => e.Item.Id).ToList();
        if (unreadMessages.Count > 0)
        {
            await _triage.SetReadAsync(sourceId, unreadMessages, read: true, cancellationToken);
        }

        return new OpenedConversation(source, entries);
    }

    private async Task<ConversationEntry> OpenAsync(StoredItem item, UnlockedSession session, CancellationToken cancellationToken)
    {
        try
        {
            if (item.IsMessage)
            {
                var message = _reader.Decrypt(item, session);
                return new ConversationEntry(item, Encoding.UTF8.GetString(message.Content), null, null);
            }

            return new ConversationEntry(item, null, await _reader.HeaderAsync(item, session, cancellationToken), null);
        }
        catch (CryptoException exception)
        {
            return new ConversationEntry(item, null, null, "This item cannot be decrypted: " + exception.Message);
        }
    }
}

internal sealed record OpenedConversation(SourceSummary Source, IReadOnlyList<ConversationEntry> Entries);

/// <summary>A message's text, or a file's header, or why the item could not be opened.</summary>
internal sealed record ConversationEntry(StoredItem Item, string? Text, ItemMetadata? File, string? Error);

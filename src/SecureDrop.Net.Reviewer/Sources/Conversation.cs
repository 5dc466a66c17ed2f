using System.Text;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Replies;
using SecureDrop.Net.Core.Submissions;
using SecureDrop.Net.Crypto;
using SecureDrop.Net.Custody.Submissions;
using SecureDrop.Net.Reviewer.Items;
using SecureDrop.Net.Reviewer.Sessions;
using SecureDrop.Net.Vault.Audit;
using SecureDrop.Net.Vault.Sources;
using SecureDrop.Net.Vault.Submissions;

namespace SecureDrop.Net.Reviewer.Sources;

/// <summary>
/// One source's conversation, in the order it happened: messages decrypted (the pages escape them), files described
/// from their sealed headers without decrypting the files, and the newsroom's replies, each placed after the
/// submission it answered. Opening it is audit-logged and marks the messages read.
/// </summary>
internal sealed class Conversation
{
    private readonly SourceRecords _sources;
    private readonly SourceTriage _triage;
    private readonly ItemStore _submissions;
    private readonly ReplyStore _replies;
    private readonly SourceReplyKeys _replyKeys;
    private readonly ItemFiles _files;
    private readonly ItemReader _reader;
    private readonly AuditLog _audit;

    public Conversation(SourceRecords sources, SourceTriage triage, ItemStore submissions, ReplyStore replies, SourceReplyKeys replyKeys, ItemFiles files, ItemReader reader, AuditLog audit)
    {
        _sources = sources;
        _triage = triage;
        _submissions = submissions;
        _replies = replies;
        _replyKeys = replyKeys;
        _files = files;
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

        // Independent reads at once (each on its own pooled connection) rather than one after another.
        var labels = _triage.LabelsOfAsync(sourceId, cancellationToken);
        var items = _submissions.ItemsOfSourceAsync(sourceId, cancellationToken);
        var replies = _replies.OfSourceAsync(sourceId, cancellationToken);
        var replyKey = _replyKeys.PublicKeyAsync(sourceId, cancellationToken);
        await Task.WhenAll(labels, items, replies, replyKey);
        source.Labels = await labels;

        // The view is recorded while the items are opened: the audit commit waits on the disk, the decryption on the CPU.
        var audited = _audit.RecordAsync(session.JournalistId, "view source", sourceId, cancellationToken);
        var stored = await items;
        var written = await replies;
        var entries = new ConversationEntry?[stored.Count];
        var sent = new ReplyEntry[written.Count];
        // Messages, sealed headers and replies are opened on every core at once: each is independent CPU work
        // (one X25519 agreement and a small decryption) on its own streams.
        Parallel.For(0, stored.Count + written.Count, new ParallelOptions { CancellationToken = cancellationToken }, index =>
        {
            if (index >= stored.Count)
            {
                var reply = written[index - stored.Count];
                sent[index - stored.Count] = new ReplyEntry(reply, Open(reply, session));
            }
            else if (stored[index].IsMessage || stored[index].Metadata is not null)
            {
                entries[index] = Open(stored[index], session);
            }
        });
        for (var index = 0; index < stored.Count; index++)
        {
            // Items stored before sealed headers existed: decrypted once and given a header (a database write).
            entries[index] ??= await OpenLegacyFileAsync(stored[index], session, cancellationToken);
        }

        await audited;
        var opened = entries.Select(e => e!).ToList();
        var unreadMessages = opened.Where(e => e.Item.IsMessage && !e.Item.IsRead && e.Error is null).Select(e => e.Item.Id).ToList();
        if (unreadMessages.Count > 0)
        {
            await _triage.SetReadAsync(sourceId, unreadMessages, read: true, cancellationToken);
        }

        return new OpenedConversation(source, opened, sent, await replyKey is not null);
    }

    private ConversationEntry Open(StoredItem item, UnlockedSession session)
    {
        try
        {
            if (item.IsMessage)
            {
                // The text goes to the page as a string; the decrypted bytes are cleared here, as soon as it is made.
                using var message = _reader.DecryptMessage(item, session);
                return new ConversationEntry(item, Encoding.UTF8.GetString(message.Written), null, null);
            }

            return new ConversationEntry(item, null, _reader.OpenHeader(item, session), null);
        }
        catch (CryptoException exception)
        {
            return new ConversationEntry(item, null, null, "This item cannot be decrypted: " + exception.Message);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            // The worker's delete job erases an item's file before its row: a page drawn in between still lists it.
            return new ConversationEntry(item, null, null, NoLongerStored);
        }
    }

    /// <summary>What a page says of an item whose file the worker has just erased (its row goes next).</summary>
    public const string NoLongerStored = "This item is no longer stored: it is being deleted.";

    private async Task<ConversationEntry> OpenLegacyFileAsync(StoredItem item, UnlockedSession session, CancellationToken cancellationToken)
    {
        try
        {
            return new ConversationEntry(item, null, await _reader.HeaderAsync(item, session, cancellationToken), null);
        }
        catch (CryptoException exception)
        {
            return new ConversationEntry(item, null, null, "This item cannot be decrypted: " + exception.Message);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return new ConversationEntry(item, null, null, NoLongerStored);
        }
    }

    /// <summary>A reply's text, decrypted with the newsroom key it was also encrypted to; null when this session cannot open it.</summary>
    private string? Open(StoredReply reply, UnlockedSession session)
    {
        if (session.KeyFor(reply.NewsroomKey) is not { } key)
        {
            return null;
        }

        try
        {
            using var ciphertext = _files.OpenVaultItem(reply.Id);
            using var plaintext = new PlaintextBuffer((int)Math.Min(ciphertext.Length, 1024 * 1024));
            MessageDecryptor.Decrypt(ciphertext, key, plaintext);
            return Encoding.UTF8.GetString(plaintext.Written);
        }
        catch (Exception exception) when (exception is CryptoException or IOException)
        {
            return null;
        }
    }
}

internal sealed record OpenedConversation(SourceSummary Source, IReadOnlyList<ConversationEntry> Entries, IReadOnlyList<ReplyEntry> Replies, bool CanReply)
{
    /// <summary>
    /// Submissions and replies in one list, in the order they happened: a reply follows the submission it answered
    /// (replies record how many submissions the source had sent), after that submission's items.
    /// </summary>
    public IReadOnlyList<TimelineEntry> Timeline { get; } =
        Entries.Select((e, index) => new TimelineEntry(e, null, e.Item.SubmissionNumber, 0, index))
            .Concat(Replies.Select(r => new TimelineEntry(null, r, r.Reply.AfterSubmission, 1, r.Reply.Number)))
            .OrderBy(t => t.After).ThenBy(t => t.Kind).ThenBy(t => t.Order)
            .ToList();
}

/// <summary>A message's text, or a file's header, or why the item could not be opened.</summary>
internal sealed record ConversationEntry(StoredItem Item, string? Text, ItemMetadata? File, string? Error);

/// <summary>A reply the newsroom sent, with its text, or null when this session's keys cannot open it.</summary>
internal sealed record ReplyEntry(StoredReply Reply, string? Text);

/// <summary>One step of the conversation: a submission's item or a reply (exactly one of the two).</summary>
internal sealed record TimelineEntry(ConversationEntry? Item, ReplyEntry? Reply, int After, int Kind, int Order);

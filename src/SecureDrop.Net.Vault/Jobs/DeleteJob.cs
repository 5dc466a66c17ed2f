using Microsoft.Extensions.Logging;
using SecureDrop.Net.Core.Jobs;
using SecureDrop.Net.Core.Replies;
using SecureDrop.Net.Core.Submissions;
using SecureDrop.Net.Vault.Sources;
using SecureDrop.Net.Vault.Submissions;

namespace SecureDrop.Net.Vault.Jobs;

/// <summary>
/// Deletes for good: erases the ciphertext (overwrite, then unlink) and only then removes the rows, so a crash
/// in between leaves rows that a retry finishes, never files without rows. Safe to run twice.
/// </summary>
public sealed partial class DeleteJob : IReplyDeletionJob
{
    private readonly SourceRecords _sources;
    private readonly ItemStore _submissions;
    private readonly ReplyStore _replies;
    private readonly ItemFiles _files;
    private readonly ILogger<DeleteJob> _logger;

    public DeleteJob(SourceRecords sources, ItemStore submissions, ReplyStore replies, ItemFiles files, ILogger<DeleteJob> logger)
    {
        _sources = sources;
        _submissions = submissions;
        _replies = replies;
        _files = files;
        _logger = logger;
    }

    public async Task DeleteSubmissionAsync(string submissionId)
    {
        var items = await _submissions.ItemIdsAsync(submissionId).ConfigureAwait(false);
        foreach (var itemId in items)
        {
            _files.Erase(itemId);
        }

        await _submissions.DeleteSubmissionRowsAsync(submissionId).ConfigureAwait(false);
        LogSubmissionDeleted(submissionId, items.Count);
    }

    public async Task DeleteSourceAsync(string sourceId)
    {
        var items = await _submissions.ItemIdsOfSourceAsync(sourceId).ConfigureAwait(false);
        var replies = await _replies.IdsOfSourceAsync(sourceId).ConfigureAwait(false);
        foreach (var itemId in items.Concat(replies))
        {
            _files.Erase(itemId);
        }

        await _sources.DeleteRowsAsync(sourceId).ConfigureAwait(false);
        LogSourceDeleted(sourceId, items.Count);
    }

    /// <summary>A reply, deleted by its source or a journalist: the vault file first, then the row.</summary>
    public async Task DeleteReplyAsync(string replyId)
    {
        _files.Erase(replyId);
        await _replies.DeleteRowAsync(replyId).ConfigureAwait(false);
        LogReplyDeleted(replyId);
    }

    [LoggerMessage(EventId = 2203, Level = LogLevel.Information, Message = "Reply {ReplyId} deleted")]
    private partial void LogReplyDeleted(string replyId);

    [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "Submission {SubmissionId} deleted: {ItemCount} item(s) erased")]
    private partial void LogSubmissionDeleted(string submissionId, int itemCount);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Information, Message = "Source {SourceId} deleted: {ItemCount} item(s) erased")]
    private partial void LogSourceDeleted(string sourceId, int itemCount);
}

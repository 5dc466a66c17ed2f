using System.Text;
using Hangfire;
using SecureDrop.Net.Core.Jobs;
using SecureDrop.Net.Core.Replies;
using SecureDrop.Net.Core.Submissions;
using SecureDrop.Net.Crypto;
using SecureDrop.Net.Submission.Sessions;

namespace SecureDrop.Net.Submission.Replies;

/// <summary>
/// What a signed-in source sees of the journalists' replies: each opened in memory with the session's reply key
/// (plaintext is released only after the OpenPGP integrity check), never written anywhere. Deleting marks the
/// row at once and queues the worker's delete job, which erases the vault file and then the row.
/// </summary>
internal sealed partial class SourceReplies
{
    /// <summary>Replies are short texts; anything larger in the vault is not one of ours and is not opened.</summary>
    public const long MaxReplyCiphertextBytes = 1024 * 1024;

    private readonly ReplyStore _replies;
    private readonly ItemFiles _files;
    private readonly IBackgroundJobClient _jobs;
    private readonly ILogger<SourceReplies> _logger;

    public SourceReplies(ReplyStore replies, ItemFiles files, IBackgroundJobClient jobs, ILogger<SourceReplies> logger)
    {
        _replies = replies;
        _files = files;
        _jobs = jobs;
        _logger = logger;
    }

    public async Task<IReadOnlyList<ShownReply>> ListAsync(SourceSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var shown = new List<ShownReply>();
        foreach (var reply in await _replies.OfSourceAsync(session.SourceId, cancellationToken).ConfigureAwait(false))
        {
            shown.Add(new ShownReply(reply.Id, reply.Number, reply.SentDay, Open(reply, session.ReplyKey)));
        }

        return shown;
    }

    /// <summary>Deletes one of the session's own replies; false when it is not theirs or already gone.</summary>
    public async Task<bool> DeleteAsync(string sourceId, string replyId, CancellationToken cancellationToken)
    {
        if (!await _replies.MarkDeletedAsync(sourceId, replyId, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        // The row is already hidden; if the job cannot be queued now, the worker's reconcile job queues it later.
        try
        {
            _jobs.Enqueue<IReplyDeletionJob>(job => job.DeleteReplyAsync(replyId));
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogEnqueueDeferred(replyId, exception.GetType().Name);
        }

        return true;
    }

    private string? Open(StoredReply reply, SourceReplySecretKey? key)
    {
        if (key is null || reply.CiphertextBytes > MaxReplyCiphertextBytes)
        {
            return null;
        }

        try
        {
            using var ciphertext = _files.OpenVaultItem(reply.Id);
            using var plaintext = new MemoryStream();
            MessageDecryptor.Decrypt(ciphertext, key, plaintext);
            return Encoding.UTF8.GetString(plaintext.GetBuffer(), 0, (int)plaintext.Length);
        }
        catch (Exception exception) when (exception is CryptoException or IOException or ObjectDisposedException)
        {
            LogUnreadable(reply.Id, exception.GetType().Name);
            return null;
        }
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Reply {ReplyId} could not be opened for its source ({Reason})")]
    private partial void LogUnreadable(string replyId, string reason);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Reply {ReplyId} is marked deleted but its delete job could not be queued ({Reason}); reconcile will queue it")]
    private partial void LogEnqueueDeferred(string replyId, string reason);
}

/// <summary>A reply as shown to its source; <see cref="Text"/> is null when it could not be opened.</summary>
internal sealed record ShownReply(string Id, int Number, string SentDay, string? Text);

using System.Security.Cryptography;
using System.Text;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Keys;
using SecureDrop.Net.Core.Replies;
using SecureDrop.Net.Core.Submissions;
using SecureDrop.Net.Crypto;
using SecureDrop.Net.Vault.Audit;

namespace SecureDrop.Net.Reviewer.Replies;

/// <summary>
/// Writes a journalist's reply: one OpenPGP message to the source's reply key and the active newsroom key, encrypted
/// in memory (replies are short), written straight into the vault (flushed, then renamed), then its row. Written
/// here rather than by a job because a job's arguments must carry ids only, never the reply's text.
/// </summary>
internal sealed partial class ReplyComposer
{
    /// <summary>Longest reply, in characters.</summary>
    public const int MaxCharacters = 20_000;

    private readonly SourceReplyKeys _replyKeys;
    private readonly NewsroomKeys _newsroomKeys;
    private readonly ItemFiles _files;
    private readonly ReplyStore _replies;
    private readonly AuditLog _audit;
    private readonly ILogger<ReplyComposer> _logger;

    public ReplyComposer(SourceReplyKeys replyKeys, NewsroomKeys newsroomKeys, ItemFiles files, ReplyStore replies, AuditLog audit, ILogger<ReplyComposer> logger)
    {
        _replyKeys = replyKeys;
        _newsroomKeys = newsroomKeys;
        _files = files;
        _replies = replies;
        _audit = audit;
        _logger = logger;
    }

    /// <summary>Sends a reply; the result says why it was refused, if it was. Nothing is stored on refusal.</summary>
    public async Task<ReplyRefusal?> SendAsync(string sourceId, string? text, string journalistId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return ReplyRefusal.Empty;
        }

        if (text.Length > MaxCharacters)
        {
            return ReplyRefusal.TooLong;
        }

        var sourceKey = await _replyKeys.PublicKeyAsync(sourceId, cancellationToken).ConfigureAwait(false);
        if (sourceKey is null)
        {
            return ReplyRefusal.NoReplyKey;
        }

        var newsroomKey = _newsroomKeys.LoadActivePublicKey();
        var replyId = Ids.New();
        var ciphertext = Encrypt(text, sourceKey, newsroomKey);
        var length = _files.WriteVaultItem(replyId, ciphertext);
        try
        {
            await _replies.AddAsync(sourceId, replyId, length, newsroomKey.Fingerprint, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _files.Erase(replyId);
            throw;
        }

        await _audit.RecordAsync(journalistId, "reply", sourceId, cancellationToken).ConfigureAwait(false);
        LogReplied(replyId, sourceId);
        return null;
    }

    private static byte[] Encrypt(string text, SourceReplyPublicKey sourceKey, NewsroomPublicKey newsroomKey)
    {
        var plaintext = Encoding.UTF8.GetBytes(text);
        try
        {
            using var output = new MemoryStream();
            using (var encrypting = MessageEncryptor.OpenReply(output, sourceKey, newsroomKey, ""))
            {
                encrypting.Write(plaintext);
            }

            return output.ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    [LoggerMessage(EventId = 3301, Level = LogLevel.Information, Message = "Reply {ReplyId} stored for source {SourceId}")]
    private partial void LogReplied(string replyId, string sourceId);
}

internal enum ReplyRefusal
{
    Empty,
    TooLong,
    NoReplyKey,
}

using Hangfire;
using Microsoft.Extensions.Logging;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Replies;
using SecureDrop.Net.Core.Submissions;
using SecureDrop.Net.Crypto;

namespace SecureDrop.Net.Custody.Keys;

/// <summary>
/// Re-wraps to the active newsroom key after a rotation, one stored thing per job: an item (its vault file and its
/// sealed metadata header) or a reply (its vault file, whose packet to the source's reply key is kept as it is).
/// Only the public-key packet for the newsroom key is rewritten, the encrypted payload is copied byte for byte
/// (<see cref="MessageRewrapper"/>). It needs the
/// retired secret key, so it runs only in a process holding an unlock (sdnet keys rewrap), on a queue of its own
/// that the worker never serves; in the worker it cannot even be constructed (no unlocked keys are registered).
/// </summary>
/// <remarks>
/// Idempotent, because Hangfire runs a job at least once and a crash may stop it anywhere: an item already on the
/// active key is skipped, and a file re-wrapped before a crash but not yet recorded is recorded. A metadata header
/// is replaced in its row only if the row still holds the header that was re-wrapped.
/// </remarks>
public sealed partial class RewrapJob
{
    public const string Queue = "rewrap";
    private readonly ItemKeyStore _submissions;
    private readonly ReplyStore _replies;
    private readonly ItemFiles _files;
    private readonly UnlockedNewsroomKeys _keys;
    private readonly ILogger<RewrapJob> _logger;

    public RewrapJob(ItemKeyStore submissions, ReplyStore replies, ItemFiles files, UnlockedNewsroomKeys keys, ILogger<RewrapJob> logger)
    {
        _submissions = submissions;
        _replies = replies;
        _files = files;
        _keys = keys;
        _logger = logger;
    }

    [Queue(Queue)]
    // Short delays: the sdnet command waits for every job, and a damaged item fails the same way each time.
    [AutomaticRetry(Attempts = 2, DelaysInSeconds = [1, 5], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    public async Task RunAsync(string itemId)
    {
        await RewrapHeaderAsync(itemId).ConfigureAwait(false);
        var active = _keys.Ring.Active;
        var current = await _submissions.ItemKeyAsync(itemId).ConfigureAwait(false);
        if (current is null || current == active.Fingerprint || !File.Exists(_files.VaultPath(itemId)))
        {
            return;
        }

        IReadOnlyList<ulong> recipients;
        using (var stored = _files.OpenVaultItem(itemId))
        {
            recipients = MessageDecryptor.ReadRecipientKeyIds(stored);
        }

        if (!recipients.Contains(active.PublicKey.EncryptionKeyId))
        {
            var oldKey = _keys.KeyFor(current)
                ?? throw new CryptoException(CryptoFailure.KeyNotAvailable, $"Item {itemId} needs newsroom key {current}, which is not in this instance.");
            Rewrite(itemId, oldKey, active.PublicKey);
        }

        await _submissions.SetItemKeyAsync(itemId, current, active.Fingerprint).ConfigureAwait(false);
        if (await _submissions.ItemKeyAsync(itemId).ConfigureAwait(false) is null)
        {
            // Deleted while it was being re-wrapped: the rename may have brought the file back.
            _files.Erase(itemId);
        }

        LogRewrapped(itemId);
    }

    /// <summary>Re-wraps one reply's newsroom key packet; the source's packet and the payload stay as they are.</summary>
    [Queue(Queue)]
    [AutomaticRetry(Attempts = 2, OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    public async Task RunReplyAsync(string replyId)
    {
        var active = _keys.Ring.Active;
        var current = await _replies.KeyAsync(replyId).ConfigureAwait(false);
        if (current is null || current == active.Fingerprint || !File.Exists(_files.VaultPath(replyId)))
        {
            return;
        }

        IReadOnlyList<ulong> recipients;
        using (var stored = _files.OpenVaultItem(replyId))
        {
            recipients = MessageDecryptor.ReadRecipientKeyIds(stored);
        }

        if (!recipients.Contains(active.PublicKey.EncryptionKeyId))
        {
            var oldKey = _keys.KeyFor(current)
                ?? throw new CryptoException(CryptoFailure.KeyNotAvailable, $"Reply {replyId} needs newsroom key {current}, which is not in this instance.");
            Rewrite(replyId, oldKey, active.PublicKey);
        }

        await _replies.SetKeyAsync(replyId, current, active.Fingerprint).ConfigureAwait(false);
        if (await _replies.KeyAsync(replyId).ConfigureAwait(false) is null)
        {
            // Deleted while it was being re-wrapped: the rename may have brought the file back.
            _files.Erase(replyId);
        }

        LogReplyRewrapped(replyId);
    }

    // The header is small and lives in the item's row: re-wrapped in memory, then swapped in only if unchanged.
    private async Task RewrapHeaderAsync(string itemId)
    {
        var header = await _submissions.MetadataAsync(itemId).ConfigureAwait(false);
        if (header is null)
        {
            return;
        }

        var active = _keys.Ring.Active;
        IReadOnlyList<ulong> recipients;
        using (var input = new MemoryStream(header, writable: false))
        {
            recipients = MessageDecryptor.ReadRecipientKeyIds(input);
        }

        if (recipients.Contains(active.PublicKey.EncryptionKeyId))
        {
            return;
        }

        var oldKey = recipients.Select(_keys.Ring.FindByKeyId).OfType<NewsroomSecretKey>().FirstOrDefault()
            ?? throw new CryptoException(CryptoFailure.KeyNotAvailable, $"The metadata header of item {itemId} needs a newsroom key that is not in this instance.");
        using var output = new MemoryStream();
        using (var input = new MemoryStream(header, writable: false))
        {
            MessageRewrapper.Rewrap(input, oldKey, active.PublicKey, output);
        }

        if (await _submissions.ReplaceMetadataAsync(itemId, header, output.ToArray()).ConfigureAwait(false))
        {
            LogHeaderRewrapped(itemId);
        }
    }

    // New file, flushed to disk, then renamed over the old one: a crash leaves the old item or the new, both whole.
    private void Rewrite(string itemId, NewsroomSecretKey oldKey, NewsroomPublicKey newKey)
    {
        var temporary = _files.VaultRewritePath(itemId);
        File.Delete(temporary);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, BufferSize = 64 * 1024 };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var input = _files.OpenVaultItem(itemId))
            using (var output = new FileStream(temporary, options))
            {
                DataDirectory.FitToLayout(output.SafeFileHandle, temporary, LayoutSharing.GroupReadWrite);
                MessageRewrapper.Rewrap(input, oldKey, newKey, output);
                output.Flush(flushToDisk: true);
            }

            _files.ReplaceVaultItem(itemId);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    [LoggerMessage(EventId = 2110, Level = LogLevel.Information, Message = "Item {ItemId} re-wrapped to the active newsroom key")]
    private partial void LogRewrapped(string itemId);

    [LoggerMessage(EventId = 2111, Level = LogLevel.Information, Message = "Metadata header of item {ItemId} re-wrapped to the active newsroom key")]
    private partial void LogHeaderRewrapped(string itemId);

    [LoggerMessage(EventId = 2112, Level = LogLevel.Information, Message = "Reply {ReplyId} re-wrapped to the active newsroom key")]
    private partial void LogReplyRewrapped(string replyId);
}

using Hangfire;
using Microsoft.Extensions.Logging;
using SecureDrop.Net.Core.Submissions;
using SecureDrop.Net.Crypto;

namespace SecureDrop.Net.Core.Keys;

/// <summary>
/// Re-wraps one vault item's session key to the active newsroom key after a rotation: only the public-key packet
/// is rewritten, the encrypted payload is copied byte for byte (<see cref="MessageRewrapper"/>). It needs the
/// retired secret key, so it runs only in a process holding an unlock (sdnet keys rewrap), on a queue of its own
/// that the worker never serves; in the worker it cannot even be constructed (no unlocked keys are registered).
/// </summary>
/// <remarks>
/// Idempotent, because Hangfire runs a job at least once and a crash may stop it anywhere: an item already on the
/// active key is skipped, and a file re-wrapped before a crash but not yet recorded is recorded.
/// </remarks>
public sealed partial class RewrapJob
{
    public const string Queue = "rewrap";
    private readonly SubmissionStore _submissions;
    private readonly ItemFiles _files;
    private readonly UnlockedNewsroomKeys _keys;
    private readonly ILogger<RewrapJob> _logger;

    public RewrapJob(SubmissionStore submissions, ItemFiles files, UnlockedNewsroomKeys keys, ILogger<RewrapJob> logger)
    {
        _submissions = submissions;
        _files = files;
        _keys = keys;
        _logger = logger;
    }

    [Queue(Queue)]
    // Short delays: the sdnet command waits for every job, and a damaged item fails the same way each time.
    [AutomaticRetry(Attempts = 2, DelaysInSeconds = [1, 5], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    public async Task RunAsync(string itemId)
    {
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
                ?? throw new CryptoException($"Item {itemId} needs newsroom key {current}, which is not in this instance.");
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

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Item {ItemId} re-wrapped to the active newsroom key")]
    private partial void LogRewrapped(string itemId);
}

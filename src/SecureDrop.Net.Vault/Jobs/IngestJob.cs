using Microsoft.Extensions.Logging;
using SecureDrop.Net.Core.Jobs;
using SecureDrop.Net.Core.Keys;
using SecureDrop.Net.Core.Submissions;
using SecureDrop.Net.Crypto;
using SecureDrop.Net.Vault.Notifications;
using SecureDrop.Net.Vault.Submissions;

namespace SecureDrop.Net.Vault.Jobs;

/// <summary>
/// Moves a submission's items from intake/ to vault/ after checking each is an OpenPGP message to the newsroom
/// key, then marks it ready for the console and schedules the journalists' next digest notice. Hangfire runs a job at least once, so every step may be repeated.
/// </summary>
public sealed partial class IngestJob : IIngestJob
{
    private readonly ItemStore _submissions;
    private readonly ItemFiles _files;
    private readonly NewsroomKeys _keys;
    private readonly NotificationStore _notifications;
    private readonly ILogger<IngestJob> _logger;

    public IngestJob(ItemStore submissions, ItemFiles files, NewsroomKeys keys, NotificationStore notifications, ILogger<IngestJob> logger)
    {
        _submissions = submissions;
        _files = files;
        _keys = keys;
        _notifications = notifications;
        _logger = logger;
    }

    /// <inheritdoc/>
    public async Task RunAsync(string submissionId)
    {
        var itemIds = await _submissions.ItemIdsAsync(submissionId).ConfigureAwait(false);
        // Addressed to any of the instance's keys: an item encrypted just before a rotation is still the newsroom's.
        var newsroomKeyIds = _keys.KnownEncryptionKeyIds();
        foreach (var itemId in itemIds)
        {
            if (File.Exists(_files.VaultPath(itemId)))
            {
                continue;
            }

            await using (var intake = _files.OpenIntakeItem(itemId))
            {
                if (!MessageDecryptor.ReadRecipientKeyIds(intake).Any(newsroomKeyIds.Contains))
                {
                    throw new InvalidOperationException($"Item {itemId} is not encrypted to the newsroom key.");
                }
            }

            _files.MoveToVault(itemId);
        }

        await _submissions.MarkReadyAsync(submissionId).ConfigureAwait(false);
        await _notifications.MarkPendingAsync().ConfigureAwait(false);
        LogIngested(submissionId, itemIds.Count);
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Submission {SubmissionId} ingested: {ItemCount} item(s) in the vault")]
    private partial void LogIngested(string submissionId, int itemCount);
}

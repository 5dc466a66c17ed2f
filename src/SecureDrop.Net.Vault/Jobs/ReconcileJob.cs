using Hangfire;
using Microsoft.Extensions.Logging;
using SecureDrop.Net.Core.Jobs;
using SecureDrop.Net.Core.Replies;
using SecureDrop.Net.Core.Submissions;
using SecureDrop.Net.Vault.Submissions;

namespace SecureDrop.Net.Vault.Jobs;

/// <summary>
/// Heals what a crash can leave behind, so nothing acknowledged is ever lost and nothing unacknowledged lingers:
/// recorded submissions still in intake get their ingest job again (ingest is idempotent; a job killed mid-run
/// would otherwise wait for Hangfire's invisibility timeout); intake files that no row claims after a grace period
/// were never acknowledged to anyone and are erased; vault files without rows are reported.
/// </summary>
public sealed partial class ReconcileJob
{
    public const string RecurringId = "reconcile";

    /// <summary>How long an unclaimed intake file may belong to an upload still being recorded.</summary>
    public static readonly TimeSpan OrphanGracePeriod = TimeSpan.FromMinutes(30);

    private readonly ItemStore _submissions;
    private readonly ReplyStore _replies;
    private readonly ItemFiles _files;
    private readonly IBackgroundJobClient _jobs;
    private readonly TimeProvider _time;
    private readonly ILogger<ReconcileJob> _logger;

    public ReconcileJob(ItemStore submissions, ReplyStore replies, ItemFiles files, IBackgroundJobClient jobs, TimeProvider time, ILogger<ReconcileJob> logger)
    {
        _submissions = submissions;
        _replies = replies;
        _files = files;
        _jobs = jobs;
        _time = time;
        _logger = logger;
    }

    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync()
    {
        var pending = await _submissions.InIntakeAsync().ConfigureAwait(false);
        foreach (var submissionId in pending)
        {
            _jobs.Enqueue<IIngestJob>(job => job.RunAsync(submissionId));
        }

        // A reply deleted by its source whose delete job was lost (the front end is only a Hangfire client).
        foreach (var replyId in await _replies.MarkedDeletedAsync().ConfigureAwait(false))
        {
            _jobs.Enqueue<IReplyDeletionJob>(job => job.DeleteReplyAsync(replyId));
        }

        var known = new HashSet<string>(await _submissions.AllItemIdsAsync().ConfigureAwait(false), StringComparer.Ordinal);
        known.UnionWith(await _replies.AllIdsAsync().ConfigureAwait(false));
        var cutoff = _time.GetUtcNow() - OrphanGracePeriod;
        var erased = 0;
        foreach (var entry in _files.IntakeEntries())
        {
            if ((entry.Partial || !known.Contains(entry.ItemId)) && entry.LastWrite < cutoff)
            {
                _files.EraseIntakeEntry(entry);
                erased++;
            }
        }

        var unclaimed = _files.VaultItemIds().Where(id => !known.Contains(id)).ToList();
        foreach (var itemId in unclaimed)
        {
            LogUnclaimedVaultItem(itemId);
        }

        LogReconciled(pending.Count, erased, unclaimed.Count);
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Reconciled: {Requeued} submission(s) re-queued for ingest, {Erased} orphaned intake file(s) erased, {Unclaimed} vault item(s) without rows")]
    private partial void LogReconciled(int requeued, int erased, int unclaimed);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Vault item {ItemId} has no metadata row; left in place for an operator to examine")]
    private partial void LogUnclaimedVaultItem(string itemId);
}

using Hangfire;
using Microsoft.Extensions.Logging;
using SecureDrop.Net.Core.Jobs;
using SecureDrop.Net.Core.Replies;
using SecureDrop.Net.Core.Sources;
using SecureDrop.Net.Core.Submissions;
using SecureDrop.Net.Vault.Submissions;

namespace SecureDrop.Net.Vault.Jobs;

/// <summary>
/// Heals what a crash can leave behind, so nothing acknowledged is ever lost and nothing unacknowledged lingers: a
/// window whose ingest run did not happen or did not finish (the worker was down at its close, or killed during the
/// run) is closed now; intake files that no envelope or row claims after a grace period were never acknowledged to
/// anyone and are erased; vault files without rows are reported.
/// </summary>
[RecurringJob(RecurringId, "* * * * *")]
public sealed partial class ReconcileJob
{
    public const string RecurringId = "reconcile";

    /// <summary>How long after a window's close its scheduled run is given before a catch-up run is queued.</summary>
    public static readonly TimeSpan CatchUpAfter = TimeSpan.FromMinutes(2);

    /// <summary>How long an unclaimed intake file may belong to an upload still being recorded.</summary>
    public static readonly TimeSpan OrphanGracePeriod = TimeSpan.FromMinutes(30);

    private readonly ItemStore _submissions;
    private readonly ReplyStore _replies;
    private readonly ItemFiles _files;
    private readonly IntakeLedger _queue;
    private readonly PendingSources _pending;
    private readonly IngestSchedule _schedule;
    private readonly IBackgroundJobClient _jobs;
    private readonly TimeProvider _time;
    private readonly ILogger<ReconcileJob> _logger;

    public ReconcileJob(ItemStore submissions, ReplyStore replies, ItemFiles files, IntakeLedger queue, PendingSources pending, IngestSchedule schedule,
        IBackgroundJobClient jobs, TimeProvider time, ILogger<ReconcileJob> logger)
    {
        _submissions = submissions;
        _replies = replies;
        _files = files;
        _queue = queue;
        _pending = pending;
        _schedule = schedule;
        _jobs = jobs;
        _time = time;
        _logger = logger;
    }

    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync()
    {
        var now = _time.GetUtcNow();
        var envelopes = _queue.Envelopes();
        var windowStart = Core.Settings.IngestWindows.StartOf(now, await _schedule.WindowAsync().ConfigureAwait(false));
        // Received in a window that closed a while ago (its scheduled run has had time): that run was missed or cut
        // short. The run takes only those, never the current window's, which keeps its own close.
        var late = now - windowStart >= CatchUpAfter
            && (envelopes.Any(e => e.Written < windowStart) || _pending.All().Any(s => s.Written < windowStart)
                || (await _submissions.InIntakeAsync().ConfigureAwait(false)).Count > 0);
        if (late)
        {
            _jobs.Enqueue<IngestWindowJob>(job => job.RunAsync());
        }

        // A reply deleted by its source whose delete job was lost (the front end is only a Hangfire client).
        foreach (var replyId in await _replies.MarkedDeletedAsync().ConfigureAwait(false))
        {
            _jobs.Enqueue<IReplyDeletionJob>(job => job.DeleteReplyAsync(replyId));
        }

        var known = new HashSet<string>(await _submissions.AllItemIdsAsync().ConfigureAwait(false), StringComparer.Ordinal);
        known.UnionWith(await _replies.AllIdsAsync().ConfigureAwait(false));
        known.UnionWith(envelopes.SelectMany(e => e.Envelope.Items).Select(item => item.Id));
        var cutoff = now - OrphanGracePeriod;
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

        LogReconciled(late, erased, unclaimed.Count);
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Reconciled: missed window closed now {Late}, {Erased} orphaned intake file(s) erased, {Unclaimed} vault item(s) without rows")]
    private partial void LogReconciled(bool late, int erased, int unclaimed);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Vault item {ItemId} has no metadata row; left in place for an operator to examine")]
    private partial void LogUnclaimedVaultItem(string itemId);
}

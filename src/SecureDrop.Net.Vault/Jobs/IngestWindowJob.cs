using System.Security.Cryptography;
using Hangfire;
using Microsoft.Extensions.Logging;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Keys;
using SecureDrop.Net.Core.Settings;
using SecureDrop.Net.Core.Sources;
using SecureDrop.Net.Core.Submissions;
using SecureDrop.Net.Crypto;
using SecureDrop.Net.Vault.Notifications;
using SecureDrop.Net.Vault.Submissions;

namespace SecureDrop.Net.Vault.Jobs;

/// <summary>
/// Closes an ingest window: everything received since the last one (envelopes in intake/, and sources made at
/// /generate) goes into the vault and the database at once, in an order that says nothing about arrival. A
/// recurring job on the window's boundaries (<see cref="Core.Settings.IngestWindows"/>); "Trigger now" on the jobs
/// dashboard's <see cref="CloseNowId"/> (or a test, through the same API) closes the current window early. Safe to
/// repeat after a crash at any step, and never runs twice at once (<see cref="IngestRunLock"/>):
/// vault files appear only complete and are kept, rows are inserted once, intake files are removed last.
/// </summary>
/// <remarks>
/// What a run leaves for a seizure, per item (invariant 9): a vault file created during the run, in random order,
/// with its modification and access times set to the run's start in whole seconds (its birth and change times
/// are the run's: nothing can set them); rows inserted in one transaction in another random order (SQLite row ids,
/// PostgreSQL tuple positions, and the one commit time in its WAL say the run, no more); per-source numbers given
/// in that random order; the day of arrival, from the envelope's file time, which is read here and stored no finer;
/// one log line per run. Hangfire holds the run and no submission: there is no job per submission.
/// </remarks>
public sealed partial class IngestWindowJob
{
    public const string RecurringId = "ingest-window";

    /// <summary>The recurring job an admin triggers to close the current window early; it has no schedule.</summary>
    public const string CloseNowId = "ingest-window-close-now";

    private readonly MetadataDatabase _database;
    private readonly IntakeLedger _queue;
    private readonly PendingSources _pending;
    private readonly ItemFiles _files;
    private readonly ItemStore _items;
    private readonly NewsroomKeys _keys;
    private readonly NotificationStore _notifications;
    private readonly IngestSchedule _schedule;
    private readonly TimeProvider _time;
    private readonly ILogger<IngestWindowJob> _logger;

    public IngestWindowJob(MetadataDatabase database, IntakeLedger queue, PendingSources pending, ItemFiles files, ItemStore items, NewsroomKeys keys,
        NotificationStore notifications, IngestSchedule schedule, TimeProvider time, ILogger<IngestWindowJob> logger)
    {
        _database = database;
        _queue = queue;
        _pending = pending;
        _files = files;
        _items = items;
        _keys = keys;
        _notifications = notifications;
        _schedule = schedule;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// The scheduled run, on each window's boundary: ingests what arrived in windows that have ended, and leaves the
    /// current window's for its own close. Run late (the worker was down, or Hangfire re-runs a killed run), it still
    /// closes only whole windows. The reconcile job queues it when a window's run was missed.
    /// </summary>
    [AutomaticRetry(Attempts = 10)]
    public async Task RunAsync() =>
        await CloseAsync(IngestWindows.StartOf(_time.GetUtcNow(), await _schedule.WindowAsync().ConfigureAwait(false))).ConfigureAwait(false);

    /// <summary>
    /// Closes the current window now: ingests everything received so far. Registered as the recurring job
    /// <see cref="CloseNowId"/> that never fires by itself: "Trigger now" on the jobs dashboard runs it (and tests do,
    /// through the same API). What it takes was in a window shortened to the time since the last close.
    /// </summary>
    [AutomaticRetry(Attempts = 0)]
    public Task CloseNowAsync() => CloseAsync(DateTimeOffset.MaxValue);

    private async Task CloseAsync(DateTimeOffset receivedBefore)
    {
        // One run at a time across jobs and processes; a killed run's lock dies with it (see IngestRunLock).
        await using var runLock = await IngestRunLock.AcquireAsync(_database, TimeSpan.FromMinutes(10)).ConfigureAwait(false);
        var startedAt = _time.GetUtcNow();
        var stamp = new DateTimeOffset(startedAt.UtcTicks - (startedAt.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        // Envelopes first, then sources: a source is written before its first envelope, so every envelope listed
        // here finds its source, recorded by an earlier run or listed below.
        var envelopes = _queue.Envelopes().Where(e => e.Written < receivedBefore).ToList();
        var sources = _pending.All().Where(s => s.Written < receivedBefore).ToList();
        var newsroomKeyIds = _keys.KnownEncryptionKeyIds();
        var accepted = new List<(IntakeEnvelope Envelope, string Day)>();
        foreach (var (envelope, written) in envelopes)
        {
            if (envelope.Items.All(item => _files.VaultHas(item.Id) || IsForNewsroom(item.Id, newsroomKeyIds)))
            {
                accepted.Add((envelope, CoarseTime.Day(written)));
            }
            else
            {
                LogNotForNewsroom(envelope.SubmissionId);
            }
        }

        // Files in one random order, rows in another: neither says which came first.
        var items = accepted.SelectMany(a => a.Envelope.Items).ToArray();
        RandomNumberGenerator.Shuffle(items.AsSpan());
        foreach (var item in items)
        {
            _files.CopyIntoVault(item.Id, stamp);
        }

        _files.FlushVaultDirectory();
        var rows = accepted.ToArray();
        RandomNumberGenerator.Shuffle(rows.AsSpan());
        var newSources = sources.ToArray();
        RandomNumberGenerator.Shuffle(newSources.AsSpan());
        var recorded = await new IngestWindowRecords(_database).RecordAsync(rows, newSources).ConfigureAwait(false);
        foreach (var (envelope, _) in accepted.Where(a => recorded.Contains(a.Envelope.SubmissionId)))
        {
            foreach (var item in envelope.Items)
            {
                _files.DeleteIntakeItem(item.Id);
            }

            _queue.Remove(envelope.SubmissionId);
        }

        foreach (var envelope in accepted.Where(a => !recorded.Contains(a.Envelope.SubmissionId)))
        {
            LogSourceGone(envelope.Envelope.SubmissionId);
        }

        foreach (var source in sources)
        {
            _pending.Delete(source.Id);
        }

        var legacy = await IngestLegacyAsync(stamp).ConfigureAwait(false);
        if (recorded.Count + legacy > 0)
        {
            await _notifications.MarkPendingAsync().ConfigureAwait(false);
        }

        LogClosed(recorded.Count + legacy, items.Length, sources.Count);
    }

    private bool IsForNewsroom(string itemId, IReadOnlySet<ulong> newsroomKeyIds)
    {
        try
        {
            using var intake = _files.OpenIntakeItem(itemId);
            return MessageDecryptor.ReadRecipientKeyIds(intake).Any(newsroomKeyIds.Contains);
        }
        catch (Exception exception) when (exception is IOException or CryptoException)
        {
            return false;
        }
    }

    /// <summary>
    /// Submissions recorded in the database in state 'intake' by a version before ingest windows: their files are
    /// copied in as any other, then marked ready.
    /// </summary>
    private async Task<int> IngestLegacyAsync(DateTimeOffset stamp)
    {
        var pending = (await _items.InIntakeAsync().ConfigureAwait(false)).ToArray();
        RandomNumberGenerator.Shuffle(pending.AsSpan());
        foreach (var submissionId in pending)
        {
            var itemIds = await _items.ItemIdsAsync(submissionId).ConfigureAwait(false);
            foreach (var itemId in itemIds.Where(id => !_files.VaultHas(id)))
            {
                _files.CopyIntoVault(itemId, stamp);
            }

            _files.FlushVaultDirectory();
            await _items.MarkReadyAsync(submissionId).ConfigureAwait(false);
            foreach (var itemId in itemIds)
            {
                _files.DeleteIntakeItem(itemId);
            }
        }

        return pending.Length;
    }

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Ingest window closed: {Submissions} submission(s) with {Items} item(s), {Sources} new source(s)")]
    private partial void LogClosed(int submissions, int items, int sources);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error, Message = "Submission {SubmissionId} in intake holds an item not encrypted to any newsroom key; left in intake for an operator to examine")]
    private partial void LogNotForNewsroom(string submissionId);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Submission {SubmissionId} in intake belongs to a source that no longer exists (deleted while it was in flight); left in intake for an operator to examine")]
    private partial void LogSourceGone(string submissionId);
}

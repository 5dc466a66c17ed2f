using System.Globalization;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using SecureDrop.Net.Core.Replies;
using SecureDrop.Net.Crypto;

namespace SecureDrop.Net.Custody.Keys;

/// <summary>What one start of a re-wrap queued: the Hangfire job ids, and what they cover.</summary>
public sealed record RewrapPlan(IReadOnlyList<string> JobIds, int ItemFiles, int MetadataHeaders, int Replies, int Replaced);

/// <summary>
/// A re-wrap as every process sees it, read from Hangfire's storage: the last start (how many jobs, when, by whom),
/// the jobs still waiting on the "rewrap" queue, and the servers serving it now. The same whether the
/// <c>sdnet keys rewrap</c> command or an admin's console session does the work.
/// </summary>
public sealed record RewrapStatus(long Total, long Waiting, long Failed, DateTimeOffset? StartedAt, string? StartedBy, IReadOnlyList<string> Servers)
{
    public long Done => Math.Clamp(Total - Waiting, 0, Total);

    public long Remaining => Math.Min(Waiting, Total);

    public bool Running => Servers.Count > 0;
}

/// <summary>
/// Queues a re-wrap: one job per stored item whose file or metadata header is not yet on the active key, one per
/// reply not yet on it (ids only), on the "rewrap" queue that only a process holding an unlock serves. Starting
/// again after an interruption replaces the jobs left waiting, and the jobs skip whatever is already on the active
/// key, so a re-wrap continues where it stopped whoever starts it next.
/// </summary>
public static class RewrapRuns
{
    /// <summary>Started by the <c>sdnet keys rewrap</c> command.</summary>
    public const string ByCommand = "sdnet keys rewrap";

    /// <summary>Started from the console's Keys page, served by the admin's session.</summary>
    public const string ByConsole = "console";

    // Counts and a coarse time only: the storage is as readable as any file on the server.
    private const string ProgressHash = "sdnet:rewrap";

    public static async Task<RewrapPlan> EnqueueAsync(
        JobStorage storage, NewsroomPublicKey active, ItemKeyStore submissions, ReplyStore replies, string startedBy, TimeProvider time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(active);
        ArgumentNullException.ThrowIfNull(submissions);
        ArgumentNullException.ThrowIfNull(replies);
        ArgumentNullException.ThrowIfNull(time);
        var files = await submissions.ReadyItemsNotOnKeyAsync(active.Fingerprint, cancellationToken).ConfigureAwait(false);
        var headers = (await submissions.MetadataHeadersAsync(cancellationToken).ConfigureAwait(false))
            .Where(header => !KeyUsage.RecipientsOf(header.Metadata).Contains(active.EncryptionKeyId)).Select(header => header.ItemId).ToList();
        var items = files.Union(headers, StringComparer.Ordinal).ToList();
        var replyIds = await replies.NotOnKeyAsync(active.Fingerprint, cancellationToken).ConfigureAwait(false);

        var replaced = DeleteLeftoverJobs(storage);
        var client = new BackgroundJobClient(storage);
        var jobIds = items.Select(id => client.Create(Job.FromExpression<RewrapJob>(job => job.RunAsync(id)), new EnqueuedState(RewrapJob.Queue)))
            .Concat(replyIds.Select(id => client.Create(Job.FromExpression<RewrapJob>(job => job.RunReplyAsync(id)), new EnqueuedState(RewrapJob.Queue))))
            .ToList();
        using (var connection = storage.GetConnection())
        {
            connection.SetRangeInHash(ProgressHash,
            [
                new("total", jobIds.Count.ToString(CultureInfo.InvariantCulture)),
                new("started", time.GetUtcNow().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)),
                new("by", startedBy),
            ]);
        }

        return new RewrapPlan(jobIds, files.Count, headers.Count, replyIds.Count, replaced);
    }

    public static RewrapStatus ReadStatus(JobStorage storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        var monitoring = storage.GetMonitoringApi();
        var queue = monitoring.Queues().FirstOrDefault(q => q.Name == RewrapJob.Queue);
        var waiting = (queue?.Length ?? 0) + (queue?.Fetched ?? 0);
        var servers = monitoring.Servers().Where(server => server.Queues.Contains(RewrapJob.Queue)).Select(server => server.Name).ToList();
        var failed = monitoring.FailedJobs(0, 1000).Count(job => job.Value.Job?.Type == typeof(RewrapJob));
        Dictionary<string, string>? progress;
        using (var connection = storage.GetConnection())
        {
            progress = connection.GetAllEntriesFromHash(ProgressHash);
        }

        var total = progress is not null && long.TryParse(progress.GetValueOrDefault("total"), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
        DateTimeOffset? started = progress is not null
            && DateTimeOffset.TryParseExact(progress.GetValueOrDefault("started"), "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : null;
        return new RewrapStatus(total, waiting, failed, started, progress?.GetValueOrDefault("by"), servers);
    }

    /// <summary>Removes rewrap jobs an interrupted run left waiting, so the queue holds one job per thing left.</summary>
    private static int DeleteLeftoverJobs(JobStorage storage)
    {
        var monitoring = storage.GetMonitoringApi();
        var client = new BackgroundJobClient(storage);
        var count = 0;
        foreach (var (id, _) in monitoring.EnqueuedJobs(RewrapJob.Queue, 0, int.MaxValue))
        {
            count += client.Delete(id) ? 1 : 0;
        }

        return count;
    }
}

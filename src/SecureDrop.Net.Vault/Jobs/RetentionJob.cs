using System.Globalization;
using Hangfire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SecureDrop.Net.Vault.Sources;
using SecureDrop.Net.Vault.Submissions;

namespace SecureDrop.Net.Vault.Jobs;

/// <summary>
/// Expires what the instance's retention settings say to: submissions older than the retention period, and
/// sources left with nothing (abandoned after /generate, or emptied by retention). Deletion goes through
/// <see cref="DeleteJob"/>, so files are erased before rows. The retention period an admin set in the console
/// (instance_settings) wins over Retention:SubmissionDays; it is read afresh at every run.
/// </summary>
[RecurringJob(RecurringId, "0 * * * *")]
public sealed partial class RetentionJob
{
    public const string RecurringId = "retention";
    private readonly SourceRecords _sources;
    private readonly ItemStore _submissions;
    private readonly DeleteJob _delete;
    private readonly IOptions<RetentionOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<RetentionJob> _logger;
    private readonly Core.Settings.InstanceSettingsStore? _settings;

    public RetentionJob(SourceRecords sources, ItemStore submissions, DeleteJob delete, IOptions<RetentionOptions> options, TimeProvider time, ILogger<RetentionJob> logger, Core.Settings.InstanceSettingsStore? settings = null)
    {
        _settings = settings;
        _sources = sources;
        _submissions = submissions;
        _delete = delete;
        _options = options;
        _time = time;
        _logger = logger;
    }

    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    public async Task RunAsync()
    {
        var deleted = await PurgeAsync().ConfigureAwait(false);
        LogExpired(deleted.Submissions, deleted.Sources);
    }

    /// <summary>What a run would delete now, without deleting anything ('sdnet purge' asks before it runs).</summary>
    public async Task<RetentionCounts> PreviewAsync(CancellationToken cancellationToken = default)
    {
        var (expired, empty) = await DueAsync(cancellationToken).ConfigureAwait(false);
        return new RetentionCounts(expired.Count, empty.Count);
    }

    /// <summary>Deletes what is due and says how much; the recurring job and 'sdnet purge' both run this.</summary>
    public async Task<RetentionCounts> PurgeAsync(CancellationToken cancellationToken = default)
    {
        var (expired, _) = await DueAsync(cancellationToken).ConfigureAwait(false);
        foreach (var submissionId in expired)
        {
            await _delete.DeleteSubmissionAsync(submissionId).ConfigureAwait(false);
        }

        // Sources are listed after the submissions went, so those emptied by this run go too.
        var (_, empty) = await DueAsync(cancellationToken).ConfigureAwait(false);
        foreach (var sourceId in empty)
        {
            await _delete.DeleteSourceAsync(sourceId).ConfigureAwait(false);
        }

        return new RetentionCounts(expired.Count, empty.Count);
    }

    /// <summary>The retention period in force: the console's setting where an admin set one, else Retention:SubmissionDays; 0 is off.</summary>
    public async Task<int> SubmissionDaysAsync(CancellationToken cancellationToken = default)
    {
        var set = _settings is null ? null : (await _settings.ReadFreshAsync(cancellationToken).ConfigureAwait(false)).RetentionDays;
        return set ?? _options.Value.SubmissionDays;
    }

    private async Task<(IReadOnlyList<string> Submissions, IReadOnlyList<string> Sources)> DueAsync(CancellationToken cancellationToken)
    {
        var options = _options.Value;
        var days = await SubmissionDaysAsync(cancellationToken).ConfigureAwait(false);
        var today = _time.GetUtcNow().UtcDateTime.Date;
        var expired = days > 0
            ? await _submissions.ReceivedBeforeAsync(Day(today.AddDays(-days)), cancellationToken).ConfigureAwait(false)
            : [];
        var empty = await _sources.WithoutSubmissionsSinceAsync(Day(today.AddDays(-options.AbandonedSourceDays)), cancellationToken).ConfigureAwait(false);
        return (expired, empty);
    }

    private static string Day(DateTime day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [LoggerMessage(EventId = 2301, Level = LogLevel.Information, Message = "Retention: {Submissions} submission(s) and {Sources} source(s) without submissions deleted")]
    private partial void LogExpired(int submissions, int sources);
}

/// <summary>How many submissions and sources a retention run deletes (or would delete).</summary>
public sealed record RetentionCounts(int Submissions, int Sources);

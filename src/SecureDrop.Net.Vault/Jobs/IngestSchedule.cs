using Hangfire;
using Microsoft.Extensions.Options;
using SecureDrop.Net.Core.Settings;

namespace SecureDrop.Net.Vault.Jobs;

/// <summary>
/// The ingest window in force (an admin's choice on the console, else <c>Ingest:Window</c>) and the recurring job
/// that closes each window on its boundary. The worker applies it at start; the console when an admin changes it.
/// </summary>
public sealed class IngestSchedule
{
    private readonly InstanceSettingsStore _settings;
    private readonly IOptions<IngestOptions> _options;

    public IngestSchedule(InstanceSettingsStore settings, IOptions<IngestOptions> options)
    {
        _settings = settings;
        _options = options;
    }

    public async Task<TimeSpan> WindowAsync(CancellationToken cancellationToken = default) =>
        (await _settings.ReadAsync(cancellationToken).ConfigureAwait(false)).IngestWindowMinutes is { } minutes
            ? TimeSpan.FromMinutes(minutes)
            : _options.Value.Window;

    /// <summary>
    /// (Re)registers the recurring ingest run on the boundaries of the window in force (cron in UTC), and the
    /// unscheduled one that closes the current window when triggered.
    /// </summary>
    public async Task ApplyAsync(IRecurringJobManager recurring, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recurring);
        var window = await WindowAsync(cancellationToken).ConfigureAwait(false);
        recurring.AddOrUpdate<IngestWindowJob>(IngestWindowJob.RecurringId, job => job.RunAsync(), IngestWindows.Cron(window));
        recurring.AddOrUpdate<IngestWindowJob>(IngestWindowJob.CloseNowId, job => job.CloseNowAsync(), Cron.Never());
    }
}

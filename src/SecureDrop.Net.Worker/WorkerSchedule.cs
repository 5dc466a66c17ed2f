using Hangfire;
using Microsoft.Extensions.Hosting;
using SecureDrop.Net.Vault.Jobs;

namespace SecureDrop.Net.Worker;

/// <summary>
/// Registers the worker's recurring jobs (every class marked [RecurringJob] in SecureDrop.Net.Vault, and the ingest window's run on the window in force, the console's choice or
/// Ingest:Window) and runs a reconcile at once on start, so work interrupted by a crash is picked up as soon as the
/// worker is back rather than after Hangfire's invisibility timeout.
/// </summary>
internal sealed class WorkerSchedule : IHostedService
{
    private readonly IRecurringJobManager _recurring;
    private readonly IBackgroundJobClient _jobs;
    private readonly IngestSchedule _ingest;

    public WorkerSchedule(IRecurringJobManager recurring, IBackgroundJobClient jobs, IngestSchedule ingest)
    {
        _recurring = recurring;
        _jobs = jobs;
        _ingest = ingest;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _ingest.ApplyAsync(_recurring, cancellationToken).ConfigureAwait(false);
        RecurringJobs.Schedule(_recurring);
        _jobs.Enqueue<ReconcileJob>(job => job.RunAsync());
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

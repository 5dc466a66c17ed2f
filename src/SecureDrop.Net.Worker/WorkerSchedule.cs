using Hangfire;
using Microsoft.Extensions.Hosting;
using SecureDrop.Net.Vault.Jobs;
using SecureDrop.Net.Vault.Notifications;

namespace SecureDrop.Net.Worker;

/// <summary>
/// Registers the worker's recurring jobs and runs a reconcile at once on start, so work interrupted by a crash is
/// picked up as soon as the worker is back rather than after Hangfire's invisibility timeout.
/// </summary>
internal sealed class WorkerSchedule : IHostedService
{
    private readonly IRecurringJobManager _recurring;
    private readonly IBackgroundJobClient _jobs;

    public WorkerSchedule(IRecurringJobManager recurring, IBackgroundJobClient jobs)
    {
        _recurring = recurring;
        _jobs = jobs;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _recurring.AddOrUpdate<ReconcileJob>(ReconcileJob.RecurringId, job => job.RunAsync(), Cron.Minutely());
        _recurring.AddOrUpdate<RetentionJob>(RetentionJob.RecurringId, job => job.RunAsync(), Cron.Hourly());
        _recurring.AddOrUpdate<NotifyJob>(NotifyJob.RecurringId, job => job.RunAsync(), Cron.Minutely());
        _jobs.Enqueue<ReconcileJob>(job => job.RunAsync());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

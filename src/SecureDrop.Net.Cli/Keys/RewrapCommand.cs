using System.CommandLine;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Hangfire.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using SecureDrop.Net.Cli.Unlock;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Jobs;
using SecureDrop.Net.Core.Keys;
using SecureDrop.Net.Core.Replies;
using SecureDrop.Net.Core.Submissions;

namespace SecureDrop.Net.Cli.Keys;

/// <summary>
/// sdnet keys rewrap: one Hangfire job per stored item whose file or metadata header is not yet on the active key,
/// and one per reply not yet on it (ids only), on the "rewrap" queue,
/// served by a Hangfire server inside this command while it holds the unlocked keys; the worker never serves that
/// queue. Interrupted, it is run again: jobs left from the earlier run are replaced, and items already on the
/// active key are skipped.
/// </summary>
internal static class RewrapCommand
{
    private static readonly string[] Finished = [SucceededState.StateName, FailedState.StateName, DeletedState.StateName];

    public static Command Create(Terminal terminal)
    {
        var data = Sdnet.DataOption();
        var workers = new Option<int>("--workers") { Description = "Items re-wrapped at once (1 to 16).", DefaultValueFactory = _ => 2 };
        workers.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 16)
            {
                result.AddError("--workers must be between 1 and 16.");
            }
        });
        var command = new Command("rewrap", "Re-wrap every stored item's session key to the active newsroom key (payloads untouched), so retired keys can be destroyed.") { data, workers };
        var unlock = VaultUnlock.AddTo(command);
        command.SetAction((parse, cancellationToken) => Sdnet.GuardAsync(parse, output => KeysCommand.WithVaultKeyAsync(parse, data, unlock, terminal, async (instance, vaultKey, actor) =>
        {
            using var unlocked = new NewsroomKeys(instance.Data).Unlock(vaultKey);
            var submissions = new SubmissionStore(instance.Database, TimeProvider.System);
            var replies = new ReplyStore(instance.Database, TimeProvider.System);
            var activeKeyId = unlocked.Ring.Active.PublicKey.EncryptionKeyId;
            var files = await submissions.ReadyItemsNotOnKeyAsync(unlocked.Ring.Active.Fingerprint, cancellationToken);
            var headers = (await submissions.MetadataHeadersAsync(cancellationToken))
                .Where(header => !KeyUsage.RecipientsOf(header.Metadata).Contains(activeKeyId)).Select(header => header.ItemId).ToList();
            var items = files.Union(headers, StringComparer.Ordinal).ToList();
            var replyIds = await replies.NotOnKeyAsync(unlocked.Ring.Active.Fingerprint, cancellationToken);
            // Job serialisation settings are process-wide in Hangfire; the storage is this instance's alone.
            GlobalConfiguration.Configuration.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer().UseRecommendedSerializerSettings();
            var storage = HangfireStorage.Open(instance.Database);
            var replaced = DeleteLeftoverJobs(storage);
            var client = new BackgroundJobClient(storage);
            var jobIds = new Queue<string>(
                items.Select(id => client.Create(Job.FromExpression<RewrapJob>(job => job.RunAsync(id)), new EnqueuedState(RewrapJob.Queue)))
                .Concat(replyIds.Select(id => client.Create(Job.FromExpression<RewrapJob>(job => job.RunReplyAsync(id)), new EnqueuedState(RewrapJob.Queue))))
                .ToList());
            var total = jobIds.Count;
            await KeysCommand.AuditAsync(instance, actor, "re-wrap items", unlocked.Ring.Active.Fingerprint, cancellationToken);
            await output.WriteLineAsync(
                $"Re-wrapping {total} item(s) to {unlocked.Ring.Active.PublicKey.DisplayFingerprint}: {files.Count} item file(s), {headers.Count} metadata header(s), {replyIds.Count} reply(ies)"
                + (replaced > 0 ? $" ({replaced} job(s) left by an interrupted run replaced)." : "."));

            var job = new RewrapJob(submissions, replies, new ItemFiles(instance.Data), unlocked, NullLogger<RewrapJob>.Instance);
            var failed = new List<string>();
            var progress = new Progress(output, terminal.OutputIsTerminal, "re-wrapped", total);
            await progress.ReportAsync(0);
            using (new BackgroundJobServer(ServerOptions(job, parse.GetValue(workers)), storage))
            {
                using var connection = storage.GetConnection();
                var done = 0;
                while (jobIds.Count > 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    while (jobIds.Count > 0 && connection.GetJobData(jobIds.Peek()) is { } state && Finished.Contains(state.State))
                    {
                        var id = jobIds.Dequeue();
                        if (state.State != SucceededState.StateName)
                        {
                            failed.Add(id);
                        }

                        done++;
                    }

                    await progress.ReportAsync(done);
                    if (jobIds.Count > 0)
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
                    }
                }
            }

            var remaining = (await KeyUsage.ReadAsync(new NewsroomKeys(instance.Data), submissions, replies, cancellationToken)).NotOnActive;
            if (failed.Count > 0)
            {
                throw new DataDirectoryException(
                    $"{failed.Count} item(s) could not be re-wrapped (Hangfire job(s) {string.Join(", ", failed.Take(10))}); see their errors in the console at /admin/jobs, then run sdnet keys rewrap again.");
            }

            await output.WriteLineAsync(remaining.Total == 0
                ? "Every item, metadata header and reply is on the active key. Retired keys can now be destroyed: sdnet keys destroy FINGERPRINT"
                : $"Still on older keys: {remaining}. Items not in the vault yet are re-wrapped by running sdnet keys rewrap again once the worker has ingested them.");
            return Sdnet.Success;
        }, cancellationToken)));
        return command;
    }

    private static BackgroundJobServerOptions ServerOptions(RewrapJob job, int workers) => new()
    {
        ServerName = "sdnet-rewrap",
        Queues = [RewrapJob.Queue],
        WorkerCount = workers,
        SchedulePollingInterval = TimeSpan.FromSeconds(1),
        ShutdownTimeout = TimeSpan.FromSeconds(30),
        Activator = new RewrapActivator(job),
    };

    /// <summary>Removes rewrap jobs an interrupted run left waiting, so the queue holds one job per item left.</summary>
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

    /// <summary>Hands Hangfire the one job instance that holds the unlocked keys; nothing else runs here.</summary>
    private sealed class RewrapActivator : JobActivator
    {
        private readonly RewrapJob _job;

        public RewrapActivator(RewrapJob job)
        {
            _job = job;
        }

        public override object ActivateJob(Type jobType) =>
            jobType == typeof(RewrapJob) ? _job : throw new InvalidOperationException($"sdnet keys rewrap runs re-wrap jobs only, not {jobType.Name}.");
    }
}

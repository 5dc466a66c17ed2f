using System.CommandLine;
using Hangfire;
using Microsoft.Extensions.Logging.Abstractions;
using SecureDrop.Net.Cli.Unlock;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Jobs;
using SecureDrop.Net.Core.Keys;
using SecureDrop.Net.Core.Replies;
using SecureDrop.Net.Core.Submissions;
using SecureDrop.Net.Custody.Keys;

namespace SecureDrop.Net.Cli.Keys;

/// <summary>
/// sdnet keys rewrap: one Hangfire job per stored item whose file or metadata header is not yet on the active key,
/// and one per reply not yet on it (ids only), on the "rewrap" queue,
/// served by a Hangfire server inside this command while it holds the unlocked keys; the worker never serves that
/// queue. Interrupted, it is run again (or started from the console's Keys page): jobs left from the earlier run
/// are replaced, and items already on the active key are skipped.
/// </summary>
internal static class RewrapCommand
{
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
            using var unlocked = new SealedNewsroomKeys(instance.Data).Unlock(vaultKey);
            var submissions = new ItemKeyStore(instance.Database);
            var replies = new ReplyStore(instance.Database, TimeProvider.System);
            // Job serialisation settings are process-wide in Hangfire; the storage is this instance's alone.
            GlobalConfiguration.Configuration.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer().UseRecommendedSerializerSettings();
            var storage = HangfireStorage.Open(instance.Database);
            var plan = await RewrapRuns.EnqueueAsync(storage, unlocked.Ring.Active.PublicKey, submissions, replies, RewrapRuns.ByCommand, TimeProvider.System, cancellationToken);
            var jobs = new RewrapJobs(plan.JobIds);
            await KeysCommand.AuditAsync(instance, actor, "re-wrap items", unlocked.Ring.Active.Fingerprint, cancellationToken);
            await output.WriteLineAsync(
                $"Re-wrapping {jobs.Total} item(s) to {unlocked.Ring.Active.PublicKey.DisplayFingerprint}: {plan.ItemFiles} item file(s), {plan.MetadataHeaders} metadata header(s), {plan.Replies} reply(ies)"
                + (plan.Replaced > 0 ? $" ({plan.Replaced} job(s) left by an interrupted run replaced)." : "."));

            var job = new RewrapJob(submissions, replies, new ItemFiles(instance.Data), unlocked, NullLogger<RewrapJob>.Instance);
            var progress = new Progress(output, terminal.OutputIsTerminal, "re-wrapped", jobs.Total);
            await progress.ReportAsync(0);
            using (RewrapServer.Start(storage, job, parse.GetValue(workers), RewrapServer.CommandServerName))
            {
                while (true)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    jobs.Poll(storage);
                    await progress.ReportAsync(jobs.Done);
                    if (jobs.AllFinished)
                    {
                        break;
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
                }
            }

            var failed = jobs.Failed;
            if (jobs.Replaced > 0)
            {
                await output.WriteLineAsync($"{jobs.Replaced} job(s) were taken over by a re-wrap started elsewhere (an admin's console session or another sdnet keys rewrap); its progress is on the console's Keys page.");
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
}

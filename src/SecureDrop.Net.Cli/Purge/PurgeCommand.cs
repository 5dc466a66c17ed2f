using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SecureDrop.Net.Cli.Check;
using SecureDrop.Net.Core;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Replies;
using SecureDrop.Net.Core.Submissions;
using SecureDrop.Net.Vault.Jobs;
using SecureDrop.Net.Vault.Sources;
using SecureDrop.Net.Vault.Submissions;

namespace SecureDrop.Net.Cli.Purge;

/// <summary>
/// sdnet purge: runs the retention job now instead of at its daily time, under the same Retention settings the
/// worker uses (the environment, plus the ops settings file). Deletion is the worker's: ciphertext overwritten and
/// unlinked before rows go. Asks first, unless --yes.
/// </summary>
internal static class PurgeCommand
{
    public static Command Create()
    {
        var data = Sdnet.DataOption();
        var settings = new Option<FileInfo[]>("--settings") { Description = "An ops settings file the units load (KEY=VALUE lines), on top of the environment; repeat for several." };
        var yes = new Option<bool>("--yes") { Description = "Delete without asking." };
        var command = new Command("purge", "Delete now what the retention settings say is due: expired submissions and abandoned sources.") { data, settings, yes };
        command.SetAction((parse, cancellationToken) => Sdnet.GuardAsync(parse, async output =>
        {
            var directory = DataDirectory.Open(parse.GetRequiredValue(data).FullName);
            var configuration = CheckSettings.Load(parse.GetValue(settings));
            var database = new MetadataDatabase(directory, CoreServices.DatabaseOptionsFrom(configuration));
            await database.CheckSchemaAsync();
            var options = configuration.GetSection(RetentionOptions.Section).Get<RetentionOptions>() ?? new RetentionOptions();
            var validation = new RetentionOptionsValidator().Validate(null, options);
            if (validation.Failed)
            {
                throw new OptionsValidationException(RetentionOptions.Section, typeof(RetentionOptions), validation.Failures);
            }

            var time = TimeProvider.System;
            var sources = new SourceRecords(database);
            var submissions = new ItemStore(database);
            var delete = new DeleteJob(sources, submissions, new ReplyStore(database, time), new ItemFiles(directory), NullLogger<DeleteJob>.Instance);
            var job = new RetentionJob(sources, submissions, delete, Options.Create(options), time, NullLogger<RetentionJob>.Instance, new Core.Settings.InstanceSettingsStore(database, time));
            var days = await job.SubmissionDaysAsync(cancellationToken);

            var due = await job.PreviewAsync(cancellationToken);
            var policy = days > 0
                ? $"submissions older than {days} day(s)"
                : "no submissions (retention is off: Retention__SubmissionDays is 0, or off in the console's settings)";
            await output.WriteLineAsync($"Retention deletes {policy}, and sources without submissions after {options.AbandonedSourceDays} day(s).");
            await output.WriteLineAsync($"Due now: {due.Submissions} submission(s), {due.Sources} source(s) without submissions (plus any source the deletions leave empty).");
            if (due.Submissions == 0 && due.Sources == 0)
            {
                await output.WriteLineAsync("Nothing to delete.");
                return Sdnet.Success;
            }

            if (!parse.GetValue(yes) && !await ConfirmAsync(output, parse.InvocationConfiguration.Error))
            {
                return Sdnet.Refused;
            }

            var deleted = await job.PurgeAsync(cancellationToken);
            await output.WriteLineAsync($"Deleted {deleted.Submissions} submission(s) and {deleted.Sources} source(s) for good.");
            return Sdnet.Success;
        }));
        return command;
    }

    private static async Task<bool> ConfirmAsync(TextWriter output, TextWriter error)
    {
        if (Console.IsInputRedirected)
        {
            await error.WriteLineAsync("sdnet: nothing was deleted. Deletion cannot be undone: confirm on a terminal, or add --yes.");
            return false;
        }

        await output.WriteAsync("Delete these for good? Type 'yes' to go on: ");
        if (string.Equals(Console.ReadLine()?.Trim(), "yes", StringComparison.Ordinal))
        {
            return true;
        }

        await error.WriteLineAsync("sdnet: nothing was deleted.");
        return false;
    }
}

using System.CommandLine;
using System.Runtime.InteropServices;
using SecureDrop.Net.Core;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Custody.Setup;

namespace SecureDrop.Net.Cli.Run;

/// <summary>sdnet run: the whole service on one machine, each role in its own process.</summary>
internal static class RunCommand
{
    public const string DefaultSubmissionUrl = "http://127.0.0.1:8080";
    public const string DefaultReviewerUrl = "http://127.0.0.1:8081";

    public static Command Create()
    {
        var data = Sdnet.DataOption();
        var init = new Option<bool>("--init") { Description = "Initialise the data directory first if it does not exist yet." };
        var submissionUrl = new Option<string>("--submission-url")
        {
            Description = "Where the source-facing front end listens.",
            DefaultValueFactory = _ => DefaultSubmissionUrl,
        };
        var reviewerUrl = new Option<string>("--reviewer-url")
        {
            Description = "Where the journalists' console listens (keep it on loopback or behind an authenticated onion service).",
            DefaultValueFactory = _ => DefaultReviewerUrl,
        };
        var newsroomName = Init.NewsroomNameOption.Create();
        var command = new Command("run", "Start the front end, the console and the worker, each in its own process, and start again any that dies; Ctrl-C stops all three.")
        {
            data, init, newsroomName, submissionUrl, reviewerUrl,
        };
        command.SetAction((parse, cancellationToken) => Sdnet.GuardAsync(parse, async output =>
        {
            var directory = parse.GetRequiredValue(data).FullName;
            if (parse.GetValue(init) && !Directory.Exists(directory))
            {
                using var key = Crypto.NewsroomSecretKey.Generate("SecureDrop.Net newsroom", TimeProvider.System.GetUtcNow());
                var configuration = CoreServices.EnvironmentConfiguration();
                var secrets = await InstanceInitializer.InitializeAsync(directory, key, TimeProvider.System, CoreServices.DatabaseOptionsFrom(configuration), cancellationToken);
                await output.WriteLineAsync($"""
                    Initialised {secrets.Data.Root}
                    First admin user name:  {secrets.AdminUsername}
                    First admin passphrase: {secrets.AdminPassphrase}
                    Recovery key:           {secrets.RecoveryKey}
                    Write both down now: they are shown only this once.

                    """);
            }

            var opened = DataDirectory.Open(directory);
            if (opened.Layout is not null)
            {
                throw new DataDirectoryException($"'{directory}' has the multi-user layout: each role runs as its own user, so start the three units (ops/systemd) instead of 'sdnet run'.");
            }

            await Init.NewsroomNameOption.SaveAsync(opened, parse.GetValue(newsroomName), CoreServices.EnvironmentConfiguration(), cancellationToken);

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            var supervisor = new Supervisor(output, parse.InvocationConfiguration.Error);
            return await supervisor.RunAsync(
                [
                    new ChildRole(ServeCommand.WorkerRole, ["serve", ServeCommand.WorkerRole, "--data", directory]),
                    new ChildRole(ServeCommand.SubmissionRole, ["serve", ServeCommand.SubmissionRole, "--data", directory, "--url", parse.GetValue(submissionUrl)!]),
                    new ChildRole(ServeCommand.ReviewerRole, ["serve", ServeCommand.ReviewerRole, "--data", directory, "--url", parse.GetValue(reviewerUrl)!]),
                ],
                stop.Token);

            void Stop(PosixSignalContext context)
            {
                context.Cancel = true;
                stop.Cancel();
            }
        }));
        return command;
    }
}

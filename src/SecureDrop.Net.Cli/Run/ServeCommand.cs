using System.CommandLine;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Data.Layout;
using SecureDrop.Net.Reviewer;
using SecureDrop.Net.Submission;
using SecureDrop.Net.Worker;

namespace SecureDrop.Net.Cli.Run;

/// <summary>
/// sdnet serve ROLE: one role in this process. 'sdnet run' starts one process per role; production units
/// (ops/) start each under its own user.
/// </summary>
internal static class ServeCommand
{
    public const string SubmissionRole = ServiceRoleNames.Submission;
    public const string ReviewerRole = ServiceRoleNames.Reviewer;
    public const string WorkerRole = ServiceRoleNames.Worker;

    public static Command Create()
    {
        var role = new Argument<string>("role") { Description = "submission, reviewer or worker." };
        role.AcceptOnlyFromAmong(SubmissionRole, ReviewerRole, WorkerRole);
        var data = Sdnet.DataOption();
        var url = new Option<string>("--url") { Description = "Address to listen on (web roles only)." };
        var command = new Command("serve", "Run one role (submission, reviewer or worker) in this process.") { role, data, url };
        command.SetAction((parse, cancellationToken) => Sdnet.GuardAsync(parse, async _ =>
        {
            var which = parse.GetRequiredValue(role);
            var directory = DataDirectory.Open(parse.GetRequiredValue(data).FullName, ServiceRoleNames.Parse(which));
            var address = parse.GetValue(url) ?? (which == ReviewerRole ? RunCommand.DefaultReviewerUrl : RunCommand.DefaultSubmissionUrl);
            using IHost host = which switch
            {
                SubmissionRole => BuildSubmission(directory, address),
                ReviewerRole => BuildReviewer(directory, address),
                _ => BuildWorker(directory),
            };
            await host.StartAsync(cancellationToken);
            if (which != WorkerRole)
            {
                UnixSocketListener.OpenToGroup(address);
            }

            await host.WaitForShutdownAsync(cancellationToken);
            return Sdnet.Success;
        }));
        return command;
    }

    // One method per role, never inlined: running a role then loads that role's host assembly and, through it, only
    // the zones that host references (the front end never loads the console's, let alone custody's, code). Tested
    // on the real processes by the Proof tests' Zones/LoadedAssembliesTests.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WebApplication BuildSubmission(DataDirectory directory, string address) => SubmissionApp.Build(directory, address);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WebApplication BuildReviewer(DataDirectory directory, string address) => ReviewerApp.Build(directory, address);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IHost BuildWorker(DataDirectory directory) => WorkerApp.Build(directory);
}

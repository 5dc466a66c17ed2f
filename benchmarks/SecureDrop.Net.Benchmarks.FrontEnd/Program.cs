using System.Globalization;
using Microsoft.Extensions.Hosting;
using SecureDrop.Net.Benchmarks.FrontEnd;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Reviewer;
using SecureDrop.Net.Submission;
using SecureDrop.Net.Worker;

// Front-end benchmarks on loopback. Every loop is bounded in count and time; large files are deleted at the end.
//   upload [MiB]      one file (default 1024 MiB) through the real front end, against the crypto core alone
//   load [seconds]    text-only submissions for at most 60 s, then waits for the worker to ingest every one
//   soak [seconds]    text, file uploads and console reads together (default 600 s, at most 3 h), with each
//                     process's memory at start, every 30 s and at the end
//   uploads | trickle | guess [N ...] [--circuits tor|none] [--set Name=Value]
//                     admission under attack with emulated Tor circuits (CircuitBenchmark)
// The front end and the worker run as child processes of this tool (serve-submission, serve-worker), so their
// peak memory is their own.
if (args.Length > 0 && args[0].StartsWith("serve-", StringComparison.Ordinal))
{
    GcReport.StartIfRequested();
}

switch (args)
{
    case ["serve-submission", var data, var url]:
        await SubmissionApp.Build(DataDirectory.Open(data), url).RunAsync();
        return 0;
    case ["serve-reviewer", var data, var url]:
        await ReviewerApp.Build(DataDirectory.Open(data), url).RunAsync();
        return 0;
    case ["serve-worker", var data]:
        await WorkerApp.Build(DataDirectory.Open(data)).RunAsync();
        return 0;
    case ["upload", ..]:
        await UploadBenchmark.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1024);
        return 0;
    case ["load", ..]:
        await LoadBenchmark.RunAsync(Math.Min(60, args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 60));
        return 0;
    case ["soak", ..]:
        await SoakBenchmark.RunAsync(Math.Min(3 * 3600, args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 600));
        return 0;
    case ["uploads" or "trickle" or "guess", ..]:
        return await CircuitBenchmark.RunAsync(args);
    default:
        Console.Error.WriteLine("usage: upload [MiB] | load [seconds ≤ 60] | soak [seconds ≤ 10800, default 600] | uploads|trickle|guess [N ...] [--circuits tor|none] [--set Name=Value]");
        return 2;
}

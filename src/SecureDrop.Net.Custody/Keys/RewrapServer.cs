using Hangfire;
using Hangfire.States;

namespace SecureDrop.Net.Custody.Keys;

/// <summary>
/// A Hangfire server for the "rewrap" queue only, inside a process that holds unlocked newsroom keys (the sdnet
/// command, or an admin's console session). It activates the one <see cref="RewrapJob"/> instance handed to it and
/// refuses every other job type, so nothing else ever runs with those keys.
/// </summary>
public static class RewrapServer
{
    /// <summary>The server name prefix of <c>sdnet keys rewrap</c>.</summary>
    public const string CommandServerName = "sdnet-rewrap";

    /// <summary>The server name prefix of a re-wrap served by an admin's console session.</summary>
    public const string ConsoleServerName = "console-rewrap";

    public static BackgroundJobServer Start(JobStorage storage, RewrapJob job, int workers, string serverName) =>
        new(new BackgroundJobServerOptions
        {
            ServerName = serverName,
            Queues = [RewrapJob.Queue],
            WorkerCount = workers,
            SchedulePollingInterval = TimeSpan.FromSeconds(1),
            ShutdownTimeout = TimeSpan.FromSeconds(30),
            Activator = new RewrapActivator(job),
        }, storage);

    /// <summary>Who serves the queue, in words, from a Hangfire server name.</summary>
    public static string Describe(string serverName) =>
        serverName.StartsWith(ConsoleServerName, StringComparison.OrdinalIgnoreCase) ? "an admin's console session"
        : serverName.StartsWith(CommandServerName, StringComparison.OrdinalIgnoreCase) ? "sdnet keys rewrap"
        : "another process";

    private sealed class RewrapActivator : JobActivator
    {
        private readonly RewrapJob _job;

        public RewrapActivator(RewrapJob job)
        {
            _job = job;
        }

        public override object ActivateJob(Type jobType) =>
            jobType == typeof(RewrapJob) ? _job : throw new InvalidOperationException($"A re-wrap server runs re-wrap jobs only, not {jobType.Name}.");
    }
}

/// <summary>The jobs of one re-wrap start, followed to the end: how many finished, which failed.</summary>
public sealed class RewrapJobs
{
    private static readonly string[] Finished = [SucceededState.StateName, FailedState.StateName, DeletedState.StateName];
    private readonly Queue<string> _pending;
    private readonly List<string> _failed = [];
    private int _replaced;

    public RewrapJobs(IReadOnlyList<string> jobIds)
    {
        ArgumentNullException.ThrowIfNull(jobIds);
        _pending = new Queue<string>(jobIds);
        Total = jobIds.Count;
    }

    public int Total { get; }

    public int Done { get; private set; }

    public bool AllFinished => _pending.Count == 0;

    /// <summary>Jobs that failed after their retries.</summary>
    public IReadOnlyList<string> Failed => _failed;

    /// <summary>Jobs deleted before they ran: a re-wrap started elsewhere (the console, another command) took them over.</summary>
    public int Replaced => _replaced;

    /// <summary>Reads the state of the jobs still pending, in order, counting those that finished.</summary>
    public void Poll(JobStorage storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        using var connection = storage.GetConnection();
        while (_pending.Count > 0 && connection.GetJobData(_pending.Peek()) is { } state && Finished.Contains(state.State))
        {
            var id = _pending.Dequeue();
            if (state.State == FailedState.StateName)
            {
                _failed.Add(id);
            }
            else if (state.State == DeletedState.StateName)
            {
                _replaced++;
            }

            Done++;
        }
    }
}

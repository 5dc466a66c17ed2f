using System.Security.Cryptography;
using Hangfire;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Jobs;
using SecureDrop.Net.Core.Replies;
using SecureDrop.Net.Core.Submissions;
using SecureDrop.Net.Custody.Keys;
using SecureDrop.Net.Reviewer.Sessions;
using SecureDrop.Net.Vault.Audit;

namespace SecureDrop.Net.Reviewer.Keys;

internal enum RewrapStart
{
    Started,
    AlreadyServing,
    NothingToDo,
}

/// <summary>
/// A re-wrap served by an admin's console session: a Hangfire server for the "rewrap" queue inside this process,
/// holding newsroom keys unlocked from the passphrase the admin typed to start it, for as long as that session is
/// signed in. Sign-out, the session's expiry, the console stopping, or the last job finishing stops the server and
/// wipes those keys; what is left waits on the queue for a later session or <c>sdnet keys rewrap</c>. One at a time.
/// </summary>
internal sealed partial class ConsoleRewrap : IDisposable
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromMilliseconds(500);
    private readonly JobStorage _storage;
    private readonly SealedNewsroomKeys _keys;
    private readonly ItemKeyStore _submissions;
    private readonly ReplyStore _replies;
    private readonly ItemFiles _files;
    private readonly JournalistSessions _sessions;
    private readonly AuditLog _audit;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger<ConsoleRewrap> _logger;
    private readonly SemaphoreSlim _startGate = new(1, 1);
    private readonly Lock _gate = new();
    private Run? _run;

    public ConsoleRewrap(
        MetadataDatabase database, SealedNewsroomKeys keys, ItemKeyStore submissions, ReplyStore replies, ItemFiles files,
        JournalistSessions sessions, AuditLog audit, TimeProvider time, ILoggerFactory loggers)
    {
        // This instance's storage by name, not Hangfire's process-wide JobStorage.Current (which is whichever app
        // configured Hangfire last when one process hosts several, as tests do).
        _storage = HangfireStorage.Open(database);
        GlobalConfiguration.Configuration.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer().UseRecommendedSerializerSettings();
        _keys = keys;
        _submissions = submissions;
        _replies = replies;
        _files = files;
        _sessions = sessions;
        _audit = audit;
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger<ConsoleRewrap>();
    }

    /// <summary>The instance's Hangfire storage, where re-wrap jobs and their progress are.</summary>
    public JobStorage Storage => _storage;

    /// <summary>The session serving a re-wrap in this console now, if any.</summary>
    public string? ServingSession
    {
        get
        {
            lock (_gate)
            {
                return _run?.SessionId;
            }
        }
    }

    /// <summary>Queues what is not on the active key and serves it. Takes the vault key and wipes it.</summary>
    public async Task<(RewrapStart Result, RewrapPlan? Plan)> StartAsync(string sessionId, string journalistId, byte[] vaultKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(vaultKey);
        try
        {
            await _startGate.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            CryptographicOperations.ZeroMemory(vaultKey);
            throw;
        }

        try
        {
            if (ServingSession is not null)
            {
                CryptographicOperations.ZeroMemory(vaultKey);
                return (RewrapStart.AlreadyServing, null);
            }

            UnlockedNewsroomKeys unlocked;
            try
            {
                unlocked = _keys.Unlock(vaultKey);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(vaultKey);
            }

            Run run;
            RewrapPlan plan;
            try
            {
                plan = await RewrapRuns.EnqueueAsync(_storage, unlocked.Ring.Active.PublicKey, _submissions, _replies, RewrapRuns.ByConsole, _time, cancellationToken);
                if (plan.JobIds.Count == 0)
                {
                    unlocked.Dispose();
                    return (RewrapStart.NothingToDo, plan);
                }

                var job = new RewrapJob(_submissions, _replies, _files, unlocked, _loggers.CreateLogger<RewrapJob>());
                run = new Run(sessionId, journalistId, unlocked, new RewrapJobs(plan.JobIds), RewrapServer.Start(_storage, job, workers: 2, RewrapServer.ConsoleServerName));
            }
            catch
            {
                unlocked.Dispose();
                throw;
            }

            lock (_gate)
            {
                _run = run;
            }

            // Watched from the start, so the server stops with the session whatever happens next.
            run.Monitor = Task.Run(() => WatchAsync(run), CancellationToken.None);
            LogStarted(plan.JobIds.Count);
            await _audit.RecordAsync(journalistId, "re-wrap started in the console", unlocked.Ring.Active.Fingerprint, cancellationToken);
            return (RewrapStart.Started, plan);
        }
        finally
        {
            _startGate.Release();
        }
    }

    public void Dispose()
    {
        Run? run;
        lock (_gate)
        {
            run = _run;
        }

        if (run is not null)
        {
            try
            {
                run.Stopping.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // It stopped on its own just now.
            }

            run.Monitor?.GetAwaiter().GetResult();
        }

        _startGate.Dispose();
    }

    // Serves until the session ends or the last job finishes; then stops the server before wiping the keys it uses.
    private async Task WatchAsync(Run run)
    {
        var reason = "console stopping";
        try
        {
            while (true)
            {
                await Task.Delay(CheckEvery, run.Stopping.Token);
                if (!_sessions.IsLive(run.SessionId))
                {
                    reason = "session ended";
                    break;
                }

                run.Jobs.Poll(_storage);
                if (run.Jobs.AllFinished)
                {
                    reason = "finished";
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        await Task.Run(run.Server.Dispose, CancellationToken.None);
        run.Keys.Dispose();
        lock (_gate)
        {
            _run = null;
        }

        run.Stopping.Dispose();
        LogStopped(reason, run.Jobs.Done, run.Jobs.Total);
        try
        {
            await _audit.RecordAsync(run.JournalistId, $"re-wrap in the console stopped: {reason}", $"{run.Jobs.Done} of {run.Jobs.Total} job(s) done", CancellationToken.None);
        }
        catch (Exception exception) when (exception is System.Data.Common.DbException or IOException or InvalidOperationException)
        {
            LogAuditFailed(exception.GetType().Name);
        }
    }

    [LoggerMessage(EventId = 3401, Level = LogLevel.Information, Message = "Re-wrap started in the console: {Jobs} job(s)")]
    private partial void LogStarted(int jobs);

    [LoggerMessage(EventId = 3402, Level = LogLevel.Information, Message = "Re-wrap in the console stopped ({Reason}): {Done} of {Total} job(s) done")]
    private partial void LogStopped(string reason, int done, int total);

    [LoggerMessage(EventId = 3403, Level = LogLevel.Warning, Message = "The end of a console re-wrap could not be audit-logged ({Reason})")]
    private partial void LogAuditFailed(string reason);

    private sealed class Run
    {
        public Run(string sessionId, string journalistId, UnlockedNewsroomKeys keys, RewrapJobs jobs, BackgroundJobServer server)
        {
            SessionId = sessionId;
            JournalistId = journalistId;
            Keys = keys;
            Jobs = jobs;
            Server = server;
        }

        public string SessionId { get; }

        public string JournalistId { get; }

        public UnlockedNewsroomKeys Keys { get; }

        public RewrapJobs Jobs { get; }

        public BackgroundJobServer Server { get; }

        public CancellationTokenSource Stopping { get; } = new();

        public Task? Monitor { get; set; }
    }
}

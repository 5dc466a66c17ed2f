using Hangfire;
using Hangfire.Storage.SQLite;
using SecureDrop.Net.Core.Data;

namespace SecureDrop.Net.Core.Jobs;

/// <summary>
/// Hangfire's storage, shared by the front end (client only: it enqueues) and the worker (the server).
/// Job arguments are opaque ids only: the storage is as exposed as any file on the server.
/// </summary>
public static class JobStorage
{
    /// <summary>How often the worker looks for new jobs: a submission is visible in the console within a second or two.</summary>
    public static readonly TimeSpan QueuePollInterval = TimeSpan.FromMilliseconds(200);

    public static IGlobalConfiguration UseSecureDropStorage(this IGlobalConfiguration configuration, DataDirectory data)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(data);
        return configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            // Hangfire's log provider is process-global. Bound to an app's ILoggerFactory it outlives that factory
            // whenever a process hosts apps one after another (tests do), so Hangfire writes its warnings to the
            // console directly. Its messages carry job and item ids only.
            .UseColouredConsoleLogProvider(Hangfire.Logging.LogLevel.Warn)
            .UseSQLiteStorage(data.JobDatabase, new SQLiteStorageOptions { QueuePollInterval = QueuePollInterval });
    }

    /// <summary>Creates the job storage schema at init, so the processes never race to create it at start.</summary>
    public static void Create(DataDirectory data)
    {
        ArgumentNullException.ThrowIfNull(data);
        DataDirectory.CreateOwnerOnlyEmptyFile(data.JobDatabase);
        using var storage = new SQLiteStorage(data.JobDatabase, new SQLiteStorageOptions());
    }
}

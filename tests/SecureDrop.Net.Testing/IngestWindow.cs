using Hangfire;
using SecureDrop.Net.Core.Jobs;
using Xunit;

namespace SecureDrop.Net.Testing;

/// <summary>
/// Closes an instance's current ingest window now, the way an admin does with "Trigger now" on the jobs dashboard
/// (the unscheduled recurring job <see cref="IngestWindowJob.CloseNowId"/>, through Hangfire's API on the instance's
/// storage), so that tests see tips without waiting for the hour and without shortening the window setting.
/// </summary>
public static class IngestWindow
{
    /// <summary>
    /// Triggers the close (once the running worker has registered it) and waits until intake/ holds no envelope and
    /// no pending source: everything received before the call is in the vault and the database.
    /// </summary>
    public static Task CloseNowAsync(TestInstance instance, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return CloseNowAsync(instance.Database, timeout);
    }

    /// <summary>As the other overloads, for an instance made by 'sdnet init' in <paramref name="dataDirectory"/>.</summary>
    public static Task CloseNowAsync(string dataDirectory, string? postgreSql, TimeSpan? timeout = null) =>
        CloseNowAsync(new MetadataDatabase(DataDirectory.Open(dataDirectory), Microsoft.Extensions.Options.Options.Create(new DatabaseOptions { PostgreSql = postgreSql })), timeout);

    /// <summary>As the other overloads, with the instance's database as the services open it.</summary>
    public static async Task CloseNowAsync(MetadataDatabase database, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        var limit = timeout ?? TimeSpan.FromSeconds(120);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await TriggerCloseAsync(database, limit);
        while (Waiting(database.Data))
        {
            Assert.True(clock.Elapsed < limit, $"The ingest window did not close within {limit.TotalSeconds} s: {string.Join(", ", Directory.GetFiles(database.Data.IntakeDirectory).Select(Path.GetFileName))}");
            await Task.Delay(200);
        }
    }

    /// <summary>Triggers the close once the running worker has registered it, without waiting for the run.</summary>
    public static Task TriggerCloseAsync(TestInstance instance, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return TriggerCloseAsync(instance.Database, timeout);
    }

    private static async Task TriggerCloseAsync(MetadataDatabase database, TimeSpan? timeout)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(120);
        var storage = HangfireStorage.Open(database);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using (var connection = storage.GetConnection())
        {
            while (connection.GetAllEntriesFromHash($"recurring-job:{IngestWindowJob.CloseNowId}") is null)
            {
                Assert.True(clock.Elapsed < limit, "The worker never registered the ingest window's jobs: is it running?");
                await Task.Delay(200);
            }
        }

        new RecurringJobManager(storage).Trigger(IngestWindowJob.CloseNowId);
    }

    /// <summary>Whether anything received waits in intake/ for its window (an envelope or a source made at /generate).</summary>
    public static bool Waiting(DataDirectory data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Directory.EnumerateFiles(data.IntakeDirectory)
            .Any(file => file.EndsWith(IntakeEnvelope.Suffix, StringComparison.Ordinal) || file.EndsWith(PendingSources.Suffix, StringComparison.Ordinal));
    }
}

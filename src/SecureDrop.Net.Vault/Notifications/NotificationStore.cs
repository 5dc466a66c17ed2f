using System.Security.Cryptography;
using Dapper;
using Microsoft.Extensions.Options;
using SecureDrop.Net.Core.Data;

namespace SecureDrop.Net.Vault.Notifications;

/// <summary>
/// Per-journalist digest state. Time is cut into periods; each journalist has one random send moment per period,
/// drawn before anything arrives, so a notice's time says only that something arrived before it, never when. The
/// period an admin set in the console (instance_settings) wins over Notifications:Period.
/// </summary>
public sealed class NotificationStore
{
    private readonly MetadataDatabase _database;
    private readonly IOptions<NotificationOptions> _options;
    private readonly TimeProvider _time;
    private readonly Core.Settings.InstanceSettingsStore? _settings;

    public NotificationStore(MetadataDatabase database, IOptions<NotificationOptions> options, TimeProvider time, Core.Settings.InstanceSettingsStore? settings = null)
    {
        _settings = settings;
        _database = database;
        _options = options;
        _time = time;
    }

    /// <summary>Something new arrived: every journalist with an address gets a notice at their next send moment.</summary>
    public async Task MarkPendingAsync(CancellationToken cancellationToken = default)
    {
        var period = (long)(await PeriodAsync(cancellationToken).ConfigureAwait(false)).TotalSeconds;
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var current = now / period;
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<StateRow>(
            """
            SELECT j.id AS JournalistId, n.pending AS Pending, n.last_sent_period AS LastSentPeriod, n.send_offset_seconds AS SendOffsetSeconds
            FROM journalists j LEFT JOIN notification_state n ON n.journalist_id = j.id
            WHERE j.notify_email IS NOT NULL
            """).ConfigureAwait(false);
        foreach (var row in rows.Where(r => r.Pending != true))
        {
            var offset = row.SendOffsetSeconds ?? RandomOffset(period);
            var dueAt = current * period + offset;
            if (dueAt <= now || row.LastSentPeriod >= current)
            {
                offset = RandomOffset(period);
                dueAt = (current + 1) * period + offset;
            }

            await connection.ExecuteAsync(
                """
                INSERT INTO notification_state (journalist_id, pending, due_at, last_sent_period, send_offset_seconds, failures, last_error)
                VALUES (@JournalistId, @pending, @dueAt, -1, @offset, 0, NULL)
                ON CONFLICT (journalist_id) DO UPDATE SET pending = @pending, due_at = @dueAt, send_offset_seconds = @offset
                """,
                new { row.JournalistId, pending = true, dueAt, offset }).ConfigureAwait(false);
        }
    }

    /// <summary>Notices due now, with where they go.</summary>
    public async Task<IReadOnlyList<DueNotice>> DueAsync(CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await connection.QueryAsync<DueNotice>(
            """
            SELECT j.id AS JournalistId, j.notify_email AS Email, j.notify_public_key AS PublicKey, n.failures AS Failures
            FROM notification_state n JOIN journalists j ON j.id = n.journalist_id
            WHERE n.pending = @pending AND n.due_at <= @now AND j.notify_email IS NOT NULL
            """,
            new { pending = true, now }).ConfigureAwait(false)).AsList();
    }

    public async Task MarkSentAsync(string journalistId, CancellationToken cancellationToken = default)
    {
        var period = (long)(await PeriodAsync(cancellationToken).ConfigureAwait(false)).TotalSeconds;
        var current = _time.GetUtcNow().ToUnixTimeSeconds() / period;
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(
            """
            UPDATE notification_state SET pending = @pending, due_at = NULL, last_sent_period = @current,
                send_offset_seconds = @offset, failures = 0, last_error = NULL
            WHERE journalist_id = @journalistId
            """,
            new { journalistId, pending = false, current, offset = RandomOffset(period) }).ConfigureAwait(false);
    }

    /// <summary>Records a failed send and backs off (2, 4, 8... minutes, at most an hour); the console shows the error.</summary>
    public async Task MarkFailedAsync(string journalistId, int failures, string error, CancellationToken cancellationToken = default)
    {
        var retryAt = _time.GetUtcNow().ToUnixTimeSeconds() + (long)Math.Min(3600, 60 * Math.Pow(2, Math.Min(failures + 1, 12)));
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(
            "UPDATE notification_state SET failures = failures + 1, last_error = @error, due_at = @retryAt WHERE journalist_id = @journalistId",
            new { journalistId, error = error.Length > 500 ? error[..500] : error, retryAt }).ConfigureAwait(false);
    }

    /// <summary>The batching period in force: the console's setting where an admin set one, else Notifications:Period.</summary>
    public async Task<TimeSpan> PeriodAsync(CancellationToken cancellationToken = default)
    {
        var minutes = _settings is null ? null : (await _settings.ReadAsync(cancellationToken).ConfigureAwait(false)).NotificationPeriodMinutes;
        return minutes is { } set ? TimeSpan.FromMinutes(set) : _options.Value.Period;
    }

    public async Task<NotificationStatus?> StatusAsync(string journalistId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QuerySingleOrDefaultAsync<NotificationStatus>(
            "SELECT pending AS Pending, failures AS Failures, last_error AS LastError FROM notification_state WHERE journalist_id = @journalistId",
            new { journalistId }).ConfigureAwait(false);
    }

    private static int RandomOffset(long periodSeconds) => RandomNumberGenerator.GetInt32((int)Math.Min(periodSeconds, int.MaxValue));

    private sealed class StateRow
    {
        public string JournalistId { get; set; } = "";

        public bool? Pending { get; set; }

        public long? LastSentPeriod { get; set; }

        public int? SendOffsetSeconds { get; set; }
    }
}

public sealed class DueNotice
{
    public string JournalistId { get; set; } = "";

    public string Email { get; set; } = "";

    public string? PublicKey { get; set; }

    public int Failures { get; set; }
}

public sealed class NotificationStatus
{
    public bool Pending { get; set; }

    public int Failures { get; set; }

    public string? LastError { get; set; }
}

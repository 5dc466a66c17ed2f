using Dapper;
using SecureDrop.Net.Core.Data;

namespace SecureDrop.Net.Core.Settings;

/// <summary>
/// The single instance_settings row and the logo. Reads are cached for <see cref="CacheFor"/>, so the front end
/// picks up a change within seconds without a query per request.
/// </summary>
public sealed class InstanceSettingsStore
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(3);

    private readonly MetadataDatabase _database;
    private readonly TimeProvider _time;
    private volatile Cached? _cached;
    private volatile CachedLogo? _cachedLogo;

    public InstanceSettingsStore(MetadataDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
    }

    public async Task<InstanceSettings> ReadAsync(CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        if (_cached is { } cached && now - cached.ReadAt < CacheFor && now >= cached.ReadAt)
        {
            return cached.Settings;
        }

        var settings = await ReadFreshAsync(cancellationToken).ConfigureAwait(false);
        _cached = new Cached(settings, now);
        return settings;
    }

    public async Task<InstanceSettings> ReadFreshAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            """
            SELECT organisation_name AS OrganisationName, max_submission_bytes AS MaxSubmissionBytes, max_files AS MaxFiles, text_only AS TextOnly,
                retention_days AS RetentionDays, notification_period_minutes AS NotificationPeriodMinutes, onion_address AS OnionAddress,
                ingest_window_minutes AS IngestWindowMinutes
            FROM instance_settings WHERE id = 1
            """,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row is null
            ? InstanceSettings.None
            : new(row.OrganisationName, row.MaxSubmissionBytes, row.MaxFiles, row.TextOnly)
            {
                RetentionDays = row.RetentionDays,
                NotificationPeriodMinutes = row.NotificationPeriodMinutes,
                OnionAddress = row.OnionAddress,
                IngestWindowMinutes = row.IngestWindowMinutes,
            };
    }

    public async Task SaveAsync(InstanceSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(settings));
        }

        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM instance_settings WHERE id = 1", transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO instance_settings (id, organisation_name, max_submission_bytes, max_files, text_only, retention_days, notification_period_minutes, onion_address, ingest_window_minutes)
            VALUES (1, @OrganisationName, @MaxSubmissionBytes, @MaxFiles, @TextOnly, @RetentionDays, @NotificationPeriodMinutes, @OnionAddress, @IngestWindowMinutes)
            """,
            settings, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        _cached = null;
    }

    /// <summary>The logo (a PNG already checked by PngLogo (SecureDrop.Net.Vault)), or null when none is set; cached like the settings.</summary>
    public async Task<byte[]?> ReadLogoAsync(CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        if (_cachedLogo is { } cached && now - cached.ReadAt < CacheFor && now >= cached.ReadAt)
        {
            return cached.Png;
        }

        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var png = await connection.QuerySingleOrDefaultAsync<byte[]>(new CommandDefinition(
            "SELECT png FROM instance_logo WHERE id = 1", cancellationToken: cancellationToken)).ConfigureAwait(false);
        _cachedLogo = new CachedLogo(png, now);
        return png;
    }

    /// <summary>Replaces the logo, or removes it when <paramref name="png"/> is null.</summary>
    public async Task SaveLogoAsync(byte[]? png, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM instance_logo WHERE id = 1", transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (png is not null)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO instance_logo (id, png) VALUES (1, @png)", new { png }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        _cachedLogo = null;
    }

    private sealed record Cached(InstanceSettings Settings, DateTimeOffset ReadAt);

    private sealed record CachedLogo(byte[]? Png, DateTimeOffset ReadAt);

    private sealed class Row
    {
        public string? OrganisationName { get; set; }

        public long? MaxSubmissionBytes { get; set; }

        public int? MaxFiles { get; set; }

        public bool? TextOnly { get; set; }

        public int? RetentionDays { get; set; }

        public int? NotificationPeriodMinutes { get; set; }

        public string? OnionAddress { get; set; }

        public int? IngestWindowMinutes { get; set; }
    }
}

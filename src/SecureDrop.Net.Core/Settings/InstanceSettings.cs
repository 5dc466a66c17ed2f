namespace SecureDrop.Net.Core.Settings;

/// <summary>
/// What an admin set from the console; a null value means "use the environment setting". The bounds are the same
/// the environment settings are validated against at start.
/// </summary>
public sealed record InstanceSettings(string? OrganisationName, long? MaxSubmissionBytes, int? MaxFiles, bool? TextOnly)
{
    public const int MinRetentionDays = 1;
    public const int MaxRetentionDays = 36500;
    public const int MinNotificationPeriodMinutes = 5;
    public const int MaxNotificationPeriodMinutes = 31 * 24 * 60;

    public const int MaxOrganisationNameLength = 100;
    public const long MinSubmissionBytesLimit = 1024 * 1024;
    public const long MaxSubmissionBytesLimit = 64L * 1024 * 1024 * 1024;
    public const int MinFilesLimit = 1;
    public const int MaxFilesLimit = 1000;

    public static InstanceSettings None { get; } = new(null, null, null, null);

    /// <summary>Days a submission is kept before the worker's retention job erases it; 0 keeps it until deleted (off).</summary>
    public int? RetentionDays { get; init; }

    /// <summary>The worker's notification batching period: at most one notice per journalist per period.</summary>
    public int? NotificationPeriodMinutes { get; init; }

    /// <summary>The front end's onion origin (<c>http://&lt;56 characters&gt;.onion</c>), sent as <c>Onion-Location</c>.</summary>
    public string? OnionAddress { get; init; }

    /// <summary>The ingest window in minutes, one of <see cref="IngestWindows.Allowed"/>; wins over <c>Ingest:Window</c>.</summary>
    public int? IngestWindowMinutes { get; init; }

    /// <summary>The first field out of bounds with its allowed range, or null when all are acceptable.</summary>
    public string? Problem()
    {
        if (OrganisationName is { Length: > MaxOrganisationNameLength })
        {
            return $"Organisation name must be at most {MaxOrganisationNameLength} characters.";
        }

        if (MaxSubmissionBytes is < MinSubmissionBytesLimit or > MaxSubmissionBytesLimit)
        {
            return $"Maximum submission size must be between {MinSubmissionBytesLimit} bytes (1 MiB) and {MaxSubmissionBytesLimit} bytes (64 GiB).";
        }

        if (MaxFiles is < MinFilesLimit or > MaxFilesLimit)
        {
            return $"Maximum files must be between {MinFilesLimit} and {MaxFilesLimit}.";
        }

        if (RetentionDays is not null and not 0 and (< MinRetentionDays or > MaxRetentionDays))
        {
            return $"Retention period must be between {MinRetentionDays} and {MaxRetentionDays} days, or off.";
        }

        if (NotificationPeriodMinutes is < MinNotificationPeriodMinutes or > MaxNotificationPeriodMinutes)
        {
            return $"Notification period must be between {MinNotificationPeriodMinutes} and {MaxNotificationPeriodMinutes} minutes (31 days).";
        }

        if (IngestWindowMinutes is { } window && IngestWindows.Problem(TimeSpan.FromMinutes(window)) is { } problem)
        {
            return "Ingest window: " + problem;
        }

        if (OnionAddress is not null && OnionAddresses.Problem(OnionAddress) is { } onion)
        {
            return "Onion address: " + onion;
        }

        return null;
    }
}

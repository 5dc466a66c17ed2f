namespace SecureDrop.Net.Core.Settings;

/// <summary>
/// What an admin set from the console; a null value means "use the environment setting". The bounds are the same
/// the environment settings are validated against at start.
/// </summary>
public sealed record InstanceSettings(string? OrganisationName, long? MaxSubmissionBytes, int? MaxFiles, bool? TextOnly)
{
    public const int MaxOrganisationNameLength = 100;
    public const long MinSubmissionBytesLimit = 1024 * 1024;
    public const long MaxSubmissionBytesLimit = 64L * 1024 * 1024 * 1024;
    public const int MinFilesLimit = 1;
    public const int MaxFilesLimit = 1000;

    public static InstanceSettings None { get; } = new(null, null, null, null);

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

        return null;
    }
}

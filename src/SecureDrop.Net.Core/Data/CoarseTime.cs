using System.Globalization;

namespace SecureDrop.Net.Core.Data;

/// <summary>
/// Times that could be matched against network logs are kept to the day: enough for a journalist,
/// too coarse to tie a submission to a connection.
/// </summary>
public static class CoarseTime
{
    public static string Today(TimeProvider time) =>
        Day(time.GetUtcNow());

    public static string Day(DateTimeOffset moment) =>
        moment.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

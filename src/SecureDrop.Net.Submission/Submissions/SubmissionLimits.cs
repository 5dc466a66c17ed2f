using Microsoft.Extensions.Options;
using SecureDrop.Net.Core.Settings;

namespace SecureDrop.Net.Submission.Submissions;

/// <summary>Limits on one submission, and whether files are accepted at all. Bound from the "Submission" section.</summary>
internal sealed class SubmissionLimits
{
    public const string Section = "Submission";

    public long MaxSubmissionBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    public int MaxFiles { get; set; } = 100;

    /// <summary>An instance that takes messages only: no file input is shown and any file part is refused.</summary>
    public bool TextOnly { get; set; }
}

internal sealed class SubmissionLimitsValidator : IValidateOptions<SubmissionLimits>
{
    public ValidateOptionsResult Validate(string? name, SubmissionLimits options)
    {
        var failures = new List<string>();
        if (options.MaxSubmissionBytes is < InstanceSettings.MinSubmissionBytesLimit or > InstanceSettings.MaxSubmissionBytesLimit)
        {
            failures.Add("Submission:MaxSubmissionBytes must be between 1 MiB (1048576) and 64 GiB.");
        }

        if (options.MaxFiles is < InstanceSettings.MinFilesLimit or > InstanceSettings.MaxFilesLimit)
        {
            failures.Add("Submission:MaxFiles must be between 1 and 1000.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

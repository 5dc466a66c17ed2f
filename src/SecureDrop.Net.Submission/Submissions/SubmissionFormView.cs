namespace SecureDrop.Net.Submission.Submissions;

/// <summary>What the upload form shows: the same form on /submit and, as the follow-up, on /lookup.</summary>
internal sealed record SubmissionFormView(bool TextOnly, int MaxFiles, long MaxSubmissionBytes)
{
    public static SubmissionFormView From(SubmissionLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return new SubmissionFormView(limits.TextOnly, limits.MaxFiles, limits.MaxSubmissionBytes);
    }
}

using Hangfire;

namespace SecureDrop.Net.Core.Jobs;

/// <summary>
/// Moves a submission from intake to the vault. The submission front end queues it by this contract only: the
/// job's code is SecureDrop.Net.Vault's (IngestJob), which the front end does not reference. Hangfire stores the
/// interface's name and the worker's container resolves it to the class (VaultServices.AddVaultJobs).
/// </summary>
public interface IIngestJob
{
    /// <summary>Ingests every item of <paramref name="submissionId"/>; safe to run more than once.</summary>
    [AutomaticRetry(Attempts = 10)]
    Task RunAsync(string submissionId);
}

/// <summary>Erases a reply a source deleted; queued by the front end by contract, as <see cref="IIngestJob"/>.</summary>
public interface IReplyDeletionJob
{
    /// <summary>Erases the reply's vault file, then its row; safe to run more than once.</summary>
    Task DeleteReplyAsync(string replyId);
}

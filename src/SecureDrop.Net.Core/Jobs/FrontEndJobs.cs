namespace SecureDrop.Net.Core.Jobs;

/// <summary>
/// Erases a reply a source deleted. The front end queues it by this contract only: the job's code is
/// SecureDrop.Net.Vault's (DeleteJob), which the front end does not reference. Hangfire stores the interface's name
/// and the worker's container resolves it to the class (VaultServices.AddVaultJobs). It is the one job the front end
/// queues; a submission queues none (its envelope waits in intake/ for the ingest window).
/// </summary>
public interface IReplyDeletionJob
{
    /// <summary>Erases the reply's vault file, then its row; safe to run more than once.</summary>
    Task DeleteReplyAsync(string replyId);
}

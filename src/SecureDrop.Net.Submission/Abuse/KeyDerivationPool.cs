using Microsoft.Extensions.Options;
using SecureDrop.Net.Core.Sources;

namespace SecureDrop.Net.Submission.Abuse;

/// <summary>
/// Runs codename derivations (Argon2id, 64 MiB each) a bounded number at a time, so a flood of sign-ins costs
/// time, not memory: at most <see cref="AbuseLimits.MaxConcurrentKeyDerivations"/> × 64 MiB is ever held.
/// A request that cannot get a slot in time is told the site is busy.
/// </summary>
internal sealed class KeyDerivationPool : IDisposable
{
    private readonly SourceIdentity _identity;
    private readonly SemaphoreSlim _slots;
    private readonly TimeSpan _wait;

    public KeyDerivationPool(SourceIdentity identity, IOptions<AbuseLimits> limits)
    {
        _identity = identity;
        _slots = new SemaphoreSlim(limits.Value.MaxConcurrentKeyDerivations);
        _wait = TimeSpan.FromSeconds(limits.Value.KeyDerivationWaitSeconds);
    }

    /// <summary>The lookup id of a normalised codename, or null when every slot stayed busy.</summary>
    public async Task<string?> TryLookupIdAsync(string normalizedCodename, CancellationToken cancellationToken)
    {
        if (!await _slots.WaitAsync(_wait, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        try
        {
            return await Task.Run(() => _identity.LookupId(normalizedCodename), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();
}

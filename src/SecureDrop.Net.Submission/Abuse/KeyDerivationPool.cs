using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using SecureDrop.Net.Core.Sources;

namespace SecureDrop.Net.Submission.Abuse;

/// <summary>
/// Runs codename derivations (Argon2id, 64 MiB each) a bounded number at a time, so a flood of sign-ins costs
/// time, not memory: at most <see cref="AbuseLimits.MaxConcurrentKeyDerivations"/> × 64 MiB is ever held.
/// A request that cannot get a slot in time is told the site is busy. Waiters are served in arrival order, and the
/// rate limiter lets each Tor circuit have one derivation waiting or running, so a flooding circuit stands in the
/// queue once, not in front of everyone.
/// </summary>
/// <remarks>
/// BouncyCastle's Argon2 allocates its 64 MiB as 65,536 small blocks per derivation and drops them afterwards; they
/// outlive the collections that run during the derivation, so they wait for a full collection. Left alone, a slot's
/// second derivation (the reply key's, right after the lookup id's) allocated its 64 MiB on top of the first's
/// garbage: ~140 MiB per slot (benchmarks/RESULTS.md). A blocking full collection after each derivation returns them
/// before the next one allocates; it costs a few milliseconds against ~0.8 s of Argon2id.
/// </remarks>
internal sealed class KeyDerivationPool : IDisposable
{
    private readonly SourceIdentity _identity;
    private readonly SemaphoreSlim _slots;
    private readonly TimeSpan _wait;
    private readonly int _maxSlots;

    public KeyDerivationPool(SourceIdentity identity, IOptions<AbuseLimits> limits)
    {
        _identity = identity;
        _maxSlots = limits.Value.MaxConcurrentKeyDerivations;
        _slots = new SemaphoreSlim(_maxSlots);
        _wait = TimeSpan.FromSeconds(limits.Value.KeyDerivationWaitSeconds);
    }

    /// <summary>
    /// Both derivations of a normalised codename, one after the other in one slot: the lookup id and the key that
    /// seals the source's reply key. Known and unknown codenames cost the same. Null when every slot stayed busy.
    /// </summary>
    public async Task<CodenameSecrets?> TryDeriveAsync(string normalizedCodename, CancellationToken cancellationToken)
    {
        if (!await _slots.WaitAsync(_wait, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        try
        {
            return await Task.Run(
                () =>
                {
                    var lookupId = _identity.LookupId(normalizedCodename);
                    CollectDerivationMemory();
                    var secrets = new CodenameSecrets(lookupId, _identity.ReplyWrappingKey(normalizedCodename));
                    CollectDerivationMemory();
                    return secrets;
                },
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Each derivation leaves a 64 MiB block that the GC would otherwise keep committed for the next one.
            // When the last derivation in flight ends, a compacting collection gives it back, so the front end
            // idles small and an upload that follows a sign-in does not stack on top of it. It costs milliseconds
            // against ~0.8 s of Argon2id.
            if (_slots.Release() == _maxSlots - 1)
            {
                Hosting.IdleMemoryTrim.ReturnMemory();
            }
        }
    }

    public void Dispose() => _slots.Dispose();

    private static void CollectDerivationMemory() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: false);
}

/// <summary>What a codename derives to; dispose it to clear the wrapping key.</summary>
internal sealed class CodenameSecrets(string lookupId, byte[] wrappingKey) : IDisposable
{
    public string LookupId { get; } = lookupId;

    public byte[] WrappingKey { get; } = wrappingKey;

    public void Dispose() => CryptographicOperations.ZeroMemory(WrappingKey);
}

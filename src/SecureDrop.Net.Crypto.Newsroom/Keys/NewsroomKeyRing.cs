namespace SecureDrop.Net.Crypto;

/// <summary>
/// The newsroom's keys across rotations: exactly one active key, which new items are encrypted to
/// (<c>ring.Active.PublicKey</c>), and any number of retired keys, kept only to decrypt what was sent to them
/// until their items are re-wrapped (<see cref="MessageRewrapper"/>). Decryption picks the key from the
/// message's key ids (<c>MessageDecryptor.Decrypt(input, ring, output)</c>).
/// </summary>
/// <remarks>
/// Threat: encrypting new items to a retired key whose secret may be about to be destroyed, or is compromised.
/// Encryption-side code should only ever see <see cref="Active"/>. The ring is immutable; <see cref="Rotate"/>
/// returns a new one. It does not own the keys: whoever created them disposes them, after the ring is dropped.
/// </remarks>
public sealed class NewsroomKeyRing
{
    /// <summary>Creates a ring with <paramref name="active"/> and, optionally, retired keys.</summary>
    /// <exception cref="ArgumentException">When the same key (fingerprint) appears twice.</exception>
    public NewsroomKeyRing(NewsroomSecretKey active, IEnumerable<NewsroomSecretKey>? retired = null)
    {
        ArgumentNullException.ThrowIfNull(active);
        List<NewsroomSecretKey> retiredKeys = retired?.ToList() ?? [];
        if (retiredKeys.Any(k => k is null))
        {
            throw new ArgumentException("A retired key is null.", nameof(retired));
        }

        List<NewsroomSecretKey> all = [active, .. retiredKeys];
        if (all.Select(k => k.Fingerprint).Distinct(StringComparer.Ordinal).Count() != all.Count)
        {
            throw new ArgumentException("The same key appears twice in the ring.", nameof(retired));
        }

        Active = active;
        Retired = retiredKeys;
    }

    /// <summary>The key new items are encrypted to.</summary>
    public NewsroomSecretKey Active { get; }

    /// <summary>Keys kept for decrypting older items only, in the order given.</summary>
    public IReadOnlyList<NewsroomSecretKey> Retired { get; }

    /// <summary>A ring whose active key is <paramref name="newActive"/>; the current active key joins the retired ones.</summary>
    public NewsroomKeyRing Rotate(NewsroomSecretKey newActive) => new(newActive, [Active, .. Retired]);

    /// <summary>A ring without the retired key <paramref name="fingerprint"/> (after every item was re-wrapped).</summary>
    /// <exception cref="ArgumentException">When the fingerprint is the active key's.</exception>
    public NewsroomKeyRing WithoutRetired(string fingerprint) =>
        string.Equals(fingerprint, Active.Fingerprint, StringComparison.OrdinalIgnoreCase)
            ? throw new ArgumentException("The active key cannot be removed; rotate first.", nameof(fingerprint))
            : new(Active, Retired.Where(k => !string.Equals(k.Fingerprint, fingerprint, StringComparison.OrdinalIgnoreCase)));

    /// <summary>The key whose encryption subkey has id <paramref name="keyId"/> (as in a message), or null.</summary>
    public NewsroomSecretKey? FindByKeyId(ulong keyId) =>
        new[] { Active }.Concat(Retired).FirstOrDefault(k => k.DecryptionKeys.Any(d => d.Key.KeyId == keyId));

    /// <summary>
    /// Every decryption key of the ring, the active key's first, gathered per call so that a disposed key fails
    /// loudly instead of living on in the ring.
    /// </summary>
    internal IReadOnlyList<DecryptionKey> DecryptionKeys => [.. new[] { Active }.Concat(Retired).SelectMany(k => k.DecryptionKeys)];
}

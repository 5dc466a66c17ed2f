using Org.BouncyCastle.Bcpg.OpenPgp;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Decides which subkey messages are encrypted to. Subkeys are chosen by the key flags of their verified binding
/// signature, never by algorithm alone (BouncyCastle's <c>IsEncryptionKey</c> looks only at the algorithm, and a
/// signing-only RSA subkey would pass it).
/// </summary>
internal static class KeyValidation
{
    private const int EncryptionFlags = PgpKeyFlags.CanEncryptCommunications | PgpKeyFlags.CanEncryptStorage;

    /// <summary>
    /// Checks the primary key and returns the newest acceptable encryption subkey. With <paramref name="now"/> null
    /// (keys reloaded from our own storage) expiry and revocation are not judged: a retired key must keep
    /// decrypting the items already encrypted to it.
    /// </summary>
    public static PgpPublicKey SelectEncryptionSubkey(IReadOnlyList<PgpPublicKey> keys, DateTimeOffset? now)
    {
        PgpPublicKey primary = keys[0];
        if (KeyPolicy.RejectPrimary(primary) is { } primaryReason)
        {
            throw new CryptoException(primaryReason);
        }

        PgpSignature selfSignature = KeySignatures.NewestSelfSignature(primary)
            ?? throw new CryptoException("The key has no valid self-signature (no user id signed by the key itself).");
        if (now is { } time)
        {
            if (KeySignatures.IsPrimaryRevoked(primary))
            {
                throw new CryptoException("The key has been revoked.");
            }

            if (KeySignatures.ExpiresAt(primary.CreationTime, selfSignature) is { } expiry && expiry <= time.UtcDateTime)
            {
                throw new CryptoException($"The key expired on {expiry:yyyy-MM-dd}.");
            }
        }

        List<(PgpPublicKey Key, PgpSignature Binding)> candidates = EncryptionCapable(keys)
            .OrderByDescending(c => c.Key.CreationTime)
            .ToList();
        if (candidates.Count == 0)
        {
            throw new CryptoException(
                "The key has no encryption-capable subkey (no subkey whose key flags allow encryption).");
        }

        string? firstReason = null;
        foreach ((PgpPublicKey key, PgpSignature binding) in candidates)
        {
            string? reason = KeyPolicy.RejectEncryptionSubkey(key) ?? (now is { } t ? RejectAt(primary, key, binding, t) : null);
            if (reason is null)
            {
                return key;
            }

            firstReason ??= reason;
        }

        throw new CryptoException(firstReason!);
    }

    /// <summary>Subkeys whose verified binding signature allows encryption, whatever their validity today.</summary>
    public static IEnumerable<(PgpPublicKey Key, PgpSignature Binding)> EncryptionCapable(IReadOnlyList<PgpPublicKey> keys)
    {
        PgpPublicKey primary = keys[0];
        foreach (PgpPublicKey subkey in keys.Skip(1))
        {
            if (KeySignatures.NewestBinding(primary, subkey) is { } binding
                && (KeySignatures.KeyFlags(binding) & EncryptionFlags) != 0)
            {
                yield return (subkey, binding);
            }
        }
    }

    private static string? RejectAt(PgpPublicKey primary, PgpPublicKey subkey, PgpSignature binding, DateTimeOffset now)
    {
        if (KeySignatures.IsSubkeyRevoked(primary, subkey))
        {
            return "The encryption subkey has been revoked.";
        }

        return KeySignatures.ExpiresAt(subkey.CreationTime, binding) is { } expiry && expiry <= now.UtcDateTime
            ? $"The encryption subkey expired on {expiry:yyyy-MM-dd}."
            : null;
    }
}

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Decides which subkey messages are encrypted to. Subkeys are chosen by the key flags of their verified binding
/// signature, never by algorithm alone; key flags, expiry, revocation and features are read only from signatures
/// that verify against the primary key, so a packet appended by anyone else cannot change what we encrypt to.
/// </summary>
internal static class CertificateValidation
{
    private const int EncryptionFlags = 0x04 | 0x08;
    private const int SeipdV2Feature = 0x08;

    /// <summary>
    /// Checks the primary key and returns the newest acceptable encryption subkey. With <paramref name="now"/> null
    /// (keys reloaded from our own storage) expiry and revocation are not judged: a retired key must keep
    /// decrypting the items already encrypted to it.
    /// </summary>
    public static KeyComponent SelectEncryptionSubkey(TransferableKey key, DateTimeOffset? now)
    {
        KeyPacket primary = key.Primary.Key;
        if (CertificatePolicy.RejectPrimary(primary) is { } primaryReason)
        {
            throw new CryptoException(CryptoFailure.KeyRefused, primaryReason);
        }

        KeySignature selfSignature = GoverningSelfSignature(key)
            ?? throw new CryptoException(CryptoFailure.KeyRefused, $"The key ({primary.Description}) has no valid self-signature (no user id or direct-key signature made by the key itself).");
        if (now is { } time)
        {
            if (IsPrimaryRevoked(key))
            {
                throw new CryptoException(CryptoFailure.KeyRefused, $"The key ({primary.Description}) has been revoked by its owner; use another key (sdnet keys generate makes one).");
            }

            if (ExpiresAt(primary, selfSignature) is { } expiry && expiry <= time.UtcDateTime)
            {
                throw new CryptoException(CryptoFailure.KeyRefused,
                    $"The key ({primary.Description}) expired on {expiry:yyyy-MM-dd}; extend its expiry (gpg --quick-set-expire FINGERPRINT 2y) and export it again, or use another key.");
            }
        }

        List<(KeyComponent Subkey, KeySignature Binding)> candidates = EncryptionCapable(key)
            .OrderByDescending(c => c.Subkey.Key.Created)
            .ToList();
        if (candidates.Count == 0)
        {
            throw new CryptoException(CryptoFailure.KeyRefused,
                $"The key ({primary.Description}) has no encryption-capable subkey (no subkey whose key flags allow encryption); add one (gpg --quick-add-key FINGERPRINT cv25519 encr).");
        }

        string? firstReason = null;
        foreach ((KeyComponent subkey, KeySignature binding) in candidates)
        {
            string? reason = CertificatePolicy.RejectEncryptionSubkey(primary, subkey.Key)
                ?? (now is { } t ? RejectAt(key, subkey, binding, t) : null);
            if (reason is null)
            {
                return subkey;
            }

            firstReason ??= reason;
        }

        throw new CryptoException(CryptoFailure.KeyRefused, firstReason!);
    }

    /// <summary>Subkeys whose verified binding signature allows encryption, whatever their validity today.</summary>
    public static IEnumerable<(KeyComponent Subkey, KeySignature Binding)> EncryptionCapable(TransferableKey key)
    {
        foreach (KeyComponent subkey in key.Subkeys)
        {
            if (NewestBinding(key.Primary.Key, subkey) is { } binding && (binding.KeyFlags & EncryptionFlags) != 0)
            {
                yield return (subkey, binding);
            }
        }
    }

    /// <summary>
    /// Whether the key says it reads SEIPD v2 (RFC 9580 §5.2.3.32): always for a version 6 key, for a version 4 key
    /// only when its self-signature's features say so.
    /// </summary>
    public static bool SupportsSeipdV2(TransferableKey key) =>
        key.Primary.Key.Version == 6 || ((GoverningSelfSignature(key)?.Features ?? 0) & SeipdV2Feature) != 0;

    /// <summary>
    /// The self-signature that states the key's properties: for a version 6 key its newest direct-key signature
    /// (RFC 9580 §5.2.3.10), otherwise — and for a v6 key without one — the newest verified certification or
    /// direct-key signature, as GnuPG reads a v4 key.
    /// </summary>
    public static KeySignature? GoverningSelfSignature(TransferableKey key)
    {
        KeyPacket primary = key.Primary.Key;
        KeySignature? direct = key.DirectSignatures
            .Select(e => e.Signature)
            .Where(s => s.Type == KeySignature.DirectKey && SignatureVerifier.VerifyOnKey(s, primary))
            .MaxBy(s => s.Created);
        if (primary.Version == 6 && direct is not null)
        {
            return direct;
        }

        KeySignature? certification = key.UserIds
            .SelectMany(u => u.Signatures.Select(e => (UserId: u, e.Signature)))
            .Where(c => c.Signature.Type is >= 0x10 and <= 0x13
                && SignatureVerifier.VerifyOnUserId(c.Signature, primary, c.UserId.Packet.Body, c.UserId.IsAttribute))
            .Select(c => c.Signature)
            .MaxBy(s => s.Created);
        return new[] { direct, certification }.OfType<KeySignature>().MaxBy(s => s.Created);
    }

    private static KeySignature? NewestBinding(KeyPacket primary, KeyComponent subkey) =>
        subkey.Signatures
            .Select(e => e.Signature)
            .Where(s => s.Type == KeySignature.SubkeyBinding && SignatureVerifier.VerifyOnSubkey(s, primary, subkey.Key))
            .MaxBy(s => s.Created);

    private static bool IsPrimaryRevoked(TransferableKey key) =>
        key.DirectSignatures.Any(e => e.Signature.Type == KeySignature.KeyRevocation
            && SignatureVerifier.VerifyOnKey(e.Signature, key.Primary.Key));

    private static bool IsSubkeyRevoked(TransferableKey key, KeyComponent subkey) =>
        subkey.Signatures.Any(e => e.Signature.Type == KeySignature.SubkeyRevocation
            && SignatureVerifier.VerifyOnSubkey(e.Signature, key.Primary.Key, subkey.Key));

    private static DateTime? ExpiresAt(KeyPacket key, KeySignature signature) =>
        signature.KeyExpirationSeconds > 0 ? key.Created.AddSeconds(signature.KeyExpirationSeconds) : null;

    private static string? RejectAt(TransferableKey key, KeyComponent subkey, KeySignature binding, DateTimeOffset now)
    {
        if (IsSubkeyRevoked(key, subkey))
        {
            return $"The encryption subkey has been revoked ({subkey.Key.Description}); make a new encryption subkey.";
        }

        return ExpiresAt(subkey.Key, binding) is { } expiry && expiry <= now.UtcDateTime
            ? $"The encryption subkey expired on {expiry:yyyy-MM-dd} ({subkey.Key.Description}); extend its expiry (gpg --quick-set-expire) or add a new one."
            : null;
    }
}

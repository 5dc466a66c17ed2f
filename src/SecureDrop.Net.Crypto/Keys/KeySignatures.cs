using Org.BouncyCastle.Bcpg.OpenPgp;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Finds the self-signatures that actually verify against the primary key. Key flags, expiry and revocation are
/// read only from these: a packet appended by anyone else to a key file must not change what we encrypt to.
/// </summary>
internal static class KeySignatures
{
    private static readonly int[] CertificationTypes =
    [
        PgpSignature.DefaultCertification,
        PgpSignature.NoCertification,
        PgpSignature.CasualCertification,
        PgpSignature.PositiveCertification,
    ];

    /// <summary>The newest verified self-signature over a user id or the key itself (it carries the key's expiry).</summary>
    public static PgpSignature? NewestSelfSignature(PgpPublicKey primary)
    {
        var verified = new List<PgpSignature>();

        // Raw ids: a user id that is not valid UTF-8 would not round-trip through BouncyCastle's string overloads.
        foreach (byte[] userId in primary.GetRawUserIds())
        {
            foreach (PgpSignature signature in primary.GetSignaturesForId(userId) ?? [])
            {
                if (CertificationTypes.Contains(signature.SignatureType)
                    && Verifies(signature, primary, s => VerifyUserId(s, primary, userId)))
                {
                    verified.Add(signature);
                }
            }
        }

        foreach (PgpSignature signature in primary.GetSignaturesOfType(PgpSignature.DirectKey))
        {
            if (Verifies(signature, primary, s => VerifyDirectKey(s, primary)))
            {
                verified.Add(signature);
            }
        }

        return verified.MaxBy(s => s.CreationTime);
    }

    /// <summary>The newest subkey binding signature that verifies against the primary key.</summary>
    public static PgpSignature? NewestBinding(PgpPublicKey primary, PgpPublicKey subkey) =>
        subkey.GetSignaturesOfType(PgpSignature.SubkeyBinding)
            .Where(s => Verifies(s, primary, v => v.VerifyCertification(primary, subkey)))
            .MaxBy(s => s.CreationTime);

    public static bool IsPrimaryRevoked(PgpPublicKey primary) =>
        primary.GetSignaturesOfType(PgpSignature.KeyRevocation)
            .Any(s => Verifies(s, primary, v => v.VerifyCertification(primary)));

    public static bool IsSubkeyRevoked(PgpPublicKey primary, PgpPublicKey subkey) =>
        subkey.GetSignaturesOfType(PgpSignature.SubkeyRevocation)
            .Any(s => Verifies(s, primary, v => v.VerifyCertification(primary, subkey)));

    /// <summary>When the key (created at <paramref name="created"/>) expires per <paramref name="signature"/>, or null.</summary>
    public static DateTime? ExpiresAt(DateTime created, PgpSignature signature)
    {
        PgpSignatureSubpacketVector? hashed = signature.GetHashedSubPackets();
        long seconds = hashed is not null && hashed.HasKeyExpirationTime() ? hashed.GetKeyExpirationTime() : 0;
        return seconds > 0 ? created.AddSeconds(seconds) : null;
    }

    /// <summary>Key flags from the hashed area only (RFC 4880 §5.2.3.21); 0 when the signature states none.</summary>
    public static int KeyFlags(PgpSignature signature) => signature.GetHashedSubPackets()?.GetKeyFlags() ?? 0;

    /// <summary>A direct-key signature hashes the key alone (RFC 4880 §5.2.4); BouncyCastle has no call for it.</summary>
    private static bool VerifyDirectKey(PgpSignature signature, PgpPublicKey key)
    {
        UpdateWithKey(signature, key);
        return signature.Verify();
    }

    /// <summary>A certification hashes the key, then 0xB4, a four-octet length and the user id (RFC 4880 §5.2.4).</summary>
    private static bool VerifyUserId(PgpSignature signature, PgpPublicKey key, byte[] userId)
    {
        UpdateWithKey(signature, key);
        signature.Update(0xB4, (byte)(userId.Length >> 24), (byte)(userId.Length >> 16), (byte)(userId.Length >> 8), (byte)userId.Length);
        signature.Update(userId);
        return signature.Verify();
    }

    private static void UpdateWithKey(PgpSignature signature, PgpPublicKey key)
    {
        byte[] body = key.PublicKeyPacket.GetEncodedContents();
        signature.Update(0x99, (byte)(body.Length >> 8), (byte)body.Length);
        signature.Update(body);
    }

    private static bool Verifies(PgpSignature signature, PgpPublicKey signer, Func<PgpSignature, bool> verify)
    {
        try
        {
            signature.InitVerify(signer);
            return verify(signature);
        }
        catch (Exception e) when (OpenPgpInput.IsLibraryFailure(e))
        {
            // A signature by another key or of an unknown algorithm simply does not count as a self-signature.
            return false;
        }
    }
}

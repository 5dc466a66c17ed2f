using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace SecureDrop.Net.Crypto;

/// <summary>Encoding helpers for key rings: binary, armor without a version header, public half of a secret ring.</summary>
internal static class KeyRings
{
    // Large enough that encoding any sane key never makes MemoryStream reallocate and leave a stale copy behind.
    private const int InitialCapacity = 64 * 1024;

    /// <summary>Encodes a secret ring; the buffer that held it is cleared, the returned copy is the caller's.</summary>
    public static byte[] Encode(PgpSecretKeyRing ring)
    {
        using var buffer = new MemoryStream(InitialCapacity);
        try
        {
            ring.Encode(buffer);
            return buffer.ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer.GetBuffer());
        }
    }

    public static byte[] Encode(PgpPublicKeyRing ring) => EncodePublicKeys(ring.GetPublicKeys());

    /// <summary>The transferable public key of a secret ring: same keys, user ids and signatures, no secrets.</summary>
    public static PgpPublicKeyRing PublicRingOf(PgpSecretKeyRing ring) =>
        new(EncodePublicKeys(ring.GetPublicKeys()));

    private static byte[] EncodePublicKeys(IEnumerable<PgpPublicKey> keys)
    {
        using var buffer = new MemoryStream();
        foreach (PgpPublicKey key in keys)
        {
            // forTransfer drops local trust packets, which describe our keyring rather than the key.
            key.Encode(buffer, forTransfer: true);
        }

        return buffer.ToArray();
    }

    /// <summary>ASCII armor without the "Version:" header, which would only advertise our library to an attacker.</summary>
    public static string Armor(byte[] binary)
    {
        using var text = new MemoryStream();
        using (var armored = new ArmoredOutputStream(text, addVersionHeader: false))
        {
            armored.Write(binary);
        }

        return System.Text.Encoding.ASCII.GetString(text.GetBuffer(), 0, (int)text.Length);
    }
}

using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace SecureDrop.Net.Crypto;

/// <summary>Encoding helpers for keys: a BouncyCastle-generated secret ring as bytes, armor without a version header.</summary>
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

    /// <summary>
    /// ASCII armor without the "Version:" header, which would only advertise our library to an attacker. The block
    /// type (PUBLIC KEY BLOCK, PRIVATE KEY BLOCK) follows from the first packet.
    /// </summary>
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

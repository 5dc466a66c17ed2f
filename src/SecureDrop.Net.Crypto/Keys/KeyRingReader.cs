using Org.BouncyCastle.Bcpg.OpenPgp;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Reads exactly one transferable key (RFC 4880 §11.1, §11.2) from armored or binary bytes, and says plainly what
/// is wrong otherwise: not OpenPGP, the wrong kind of key, or several keys where one is expected.
/// </summary>
internal static class KeyRingReader
{
    public static PgpPublicKeyRing ReadPublicRing(ReadOnlySpan<byte> data)
    {
        (List<PgpPublicKeyRing> publicRings, List<PgpSecretKeyRing> secretRings) = ReadAll(data);
        if (secretRings.Count > 0)
        {
            // The submission front end must never hold secret material, even by operator mistake.
            throw new CryptoException("The data holds a secret key; only the public key is accepted here.");
        }

        return publicRings.Count switch
        {
            0 => throw new CryptoException("The data holds no OpenPGP public key."),
            1 => publicRings[0],
            _ => throw new CryptoException($"The data holds {publicRings.Count} keys; exactly one key is expected."),
        };
    }

    public static PgpSecretKeyRing ReadSecretRing(ReadOnlySpan<byte> data)
    {
        (List<PgpPublicKeyRing> publicRings, List<PgpSecretKeyRing> secretRings) = ReadAll(data);
        int total = publicRings.Count + secretRings.Count;
        if (total > 1)
        {
            throw new CryptoException($"The data holds {total} keys; exactly one key is expected.");
        }

        if (publicRings.Count == 1)
        {
            throw new CryptoException("The data holds a public key only; a secret key is needed (gpg --export-secret-keys).");
        }

        return secretRings.Count == 1
            ? secretRings[0]
            : throw new CryptoException("The data holds no OpenPGP secret key.");
    }

    private static (List<PgpPublicKeyRing> Public, List<PgpSecretKeyRing> Secret) ReadAll(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            throw new CryptoException("The data is empty: no OpenPGP key.");
        }

        var publicRings = new List<PgpPublicKeyRing>();
        var secretRings = new List<PgpSecretKeyRing>();
        byte[] copy = data.ToArray();
        try
        {
            using var input = new MemoryStream(copy, writable: false);
            Stream packets = OpenPgpInput.Unarmor(input, out bool armored);
            while (true)
            {
                ReadObjects(packets, publicRings, secretRings);

                // An armored stream ends at its END line: a second armored key may follow it.
                int next = armored ? OpenPgpInput.NextNonWhitespace(input) : -1;
                if (next < 0)
                {
                    break;
                }

                packets = OpenPgpInput.Open((byte)next, input, out armored);
            }
        }
        catch (Exception e) when (OpenPgpInput.IsLibraryFailure(e))
        {
            throw new CryptoException("The data is not a readable OpenPGP key.", e);
        }
        finally
        {
            // The bytes may be an unprotected secret key: do not leave a copy for the garbage collector.
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(copy);
        }

        return (publicRings, secretRings);
    }

    private static void ReadObjects(Stream packets, List<PgpPublicKeyRing> publicRings, List<PgpSecretKeyRing> secretRings)
    {
        var factory = new PgpObjectFactory(packets);
        while (factory.NextPgpObject() is { } item)
        {
            switch (item)
            {
                case PgpPublicKeyRing ring:
                    publicRings.Add(ring);
                    break;
                case PgpSecretKeyRing ring:
                    secretRings.Add(ring);
                    break;
                case PgpMarker or PgpTrust:
                    break;
                default:
                    throw new CryptoException("The data is OpenPGP but not a key (it holds other packets).");
            }
        }
    }
}

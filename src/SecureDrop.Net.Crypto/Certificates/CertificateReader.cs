using System.Security.Cryptography;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Reads transferable keys (RFC 9580 §10.1, §10.2) from armored or binary bytes — several armor blocks in a row too
/// — and says plainly what is wrong otherwise: not OpenPGP, or OpenPGP that is not a key.
/// </summary>
internal static class CertificateReader
{
    public static List<TransferableKey> ReadAll(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            throw new CryptoException(CryptoFailure.Malformed, "The data is empty: no OpenPGP key.");
        }

        byte[] copy = data.ToArray();
        // As large as the input from the start: growing would leave copies of a secret key behind.
        var binary = new MemoryStream(data.Length);
        try
        {
            using (var input = new MemoryStream(copy, writable: false))
            {
                Stream packets = OpenPgpInput.Unarmor(input, out bool armored);
                while (true)
                {
                    packets.CopyTo(binary);

                    // An armored stream ends at its END line: a second armored key may follow it.
                    int next = armored ? OpenPgpInput.NextNonWhitespace(input) : -1;
                    if (next < 0)
                    {
                        break;
                    }

                    packets = OpenPgpInput.Open((byte)next, input, out armored);
                }
            }

            return TransferableKey.ReadAll(RawPackets.Read(binary.GetBuffer().AsSpan(0, (int)binary.Length)));
        }
        catch (Exception e) when (OpenPgpInput.IsLibraryFailure(e))
        {
            throw new CryptoException(CryptoFailure.Malformed, "The data is not a readable OpenPGP key.", e);
        }
        finally
        {
            // The bytes may be an unprotected secret key: do not leave a copy for the garbage collector.
            CryptographicOperations.ZeroMemory(copy);
            CryptographicOperations.ZeroMemory(binary.GetBuffer());
        }
    }
}

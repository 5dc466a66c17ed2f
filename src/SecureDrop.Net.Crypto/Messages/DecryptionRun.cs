using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// One decryption: find our session key, refuse unprotected data, stream the literal data out, then check the MDC
/// and that nothing follows the message. Failures of the sink (a full disk) pass through as they are; failures
/// reading the message become <see cref="CryptoException"/>.
/// </summary>
internal sealed class DecryptionRun(IReadOnlyDictionary<long, PgpPrivateKey> keys, Stream sink)
{
    private const int BufferSize = 64 * 1024;

    // Gpg never nests compression; a bound stops a crafted message from recursing (a "zip quine").
    private const int MaxCompressionDepth = 1;

    private const string Damaged = "The message is damaged, truncated or was altered; discard any output.";

    private bool _writingToSink;

    public string Run(Stream ciphertext)
    {
        byte[] buffer = new byte[BufferSize];
        try
        {
            var outer = new PgpObjectFactory(OpenPgpInput.Unarmor(ciphertext, out bool armored));
            PgpEncryptedDataList list = ReadEncryptedDataList(outer);
            (PgpPublicKeyEncryptedData data, PgpPrivateKey privateKey) = FindSessionFor(list);
            if (!data.IsIntegrityProtected())
            {
                throw new CryptoException("The message has no integrity protection (no MDC); it is refused.");
            }

            if (data.GetSymmetricAlgorithm(privateKey) == SymmetricKeyAlgorithmTag.Null)
            {
                throw new CryptoException("The message is not encrypted (null cipher); it is refused.");
            }

            string? fileName = CopyLiteral(new PgpObjectFactory(data.GetDataStream(privateKey)), buffer, 0);
            if (!data.Verify())
            {
                throw new CryptoException("The message failed its integrity check (MDC): it was altered or damaged; discard any output.");
            }

            // Armor ends at its END line, so what follows it in the raw input must be checked separately.
            if (outer.NextPgpObject() is not null || (armored && OpenPgpInput.NextNonWhitespace(ciphertext) >= 0))
            {
                throw new CryptoException("The message is followed by trailing data; discard any output.");
            }

            return fileName ?? throw new CryptoException("The message holds no literal data.");
        }
        catch (Exception e) when (!_writingToSink && OpenPgpInput.IsLibraryFailure(e))
        {
            throw new CryptoException(Damaged, e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    private static PgpEncryptedDataList ReadEncryptedDataList(PgpObjectFactory factory)
    {
        const string NotEncrypted = "The data is not an OpenPGP encrypted message.";
        try
        {
            while (true)
            {
                switch (factory.NextPgpObject())
                {
                    case PgpMarker:
                        continue;
                    case PgpEncryptedDataList list:
                        return list;
                    default:
                        throw new CryptoException(NotEncrypted);
                }
            }
        }
        catch (Exception e) when (OpenPgpInput.IsLibraryFailure(e))
        {
            throw new CryptoException(NotEncrypted, e);
        }
    }

    private (PgpPublicKeyEncryptedData Data, PgpPrivateKey Key) FindSessionFor(PgpEncryptedDataList list)
    {
        foreach (PgpPublicKeyEncryptedData data in list.GetEncryptedDataObjects().OfType<PgpPublicKeyEncryptedData>())
        {
            if (keys.TryGetValue(data.KeyId, out PgpPrivateKey? key))
            {
                return (data, key);
            }

            // Key id 0 hides the recipient (gpg --throw-keyids): only trying a key tells whether it is ours.
            if (data.KeyId == 0 && keys.Values.FirstOrDefault(k => Unwraps(data, k)) is { } hidden)
            {
                return (data, hidden);
            }
        }

        throw new CryptoException("The message is not encrypted to this key.");
    }

    private static bool Unwraps(PgpPublicKeyEncryptedData data, PgpPrivateKey key)
    {
        try
        {
            data.GetSymmetricAlgorithm(key);
            return true;
        }
        catch (Exception e) when (OpenPgpInput.IsLibraryFailure(e))
        {
            return false;
        }
    }

    /// <summary>Streams exactly one literal packet to the sink; signatures are skipped (not verified here).</summary>
    private string? CopyLiteral(PgpObjectFactory factory, byte[] buffer, int depth)
    {
        string? fileName = null;
        while (factory.NextPgpObject() is { } item)
        {
            string? found = item switch
            {
                PgpLiteralData literal => Copy(literal, buffer),
                PgpCompressedData compressed when depth < MaxCompressionDepth =>
                    CopyLiteral(new PgpObjectFactory(compressed.GetDataStream()), buffer, depth + 1),
                PgpOnePassSignatureList or PgpSignatureList or PgpMarker or PgpPadding => null,
                _ => throw new CryptoException("The message holds an unexpected packet inside its encryption."),
            };
            if (found is not null && fileName is not null)
            {
                throw new CryptoException("The message holds more than one literal data packet.");
            }

            fileName ??= found;
        }

        return fileName;
    }

    private string Copy(PgpLiteralData literal, byte[] buffer)
    {
        Stream source = literal.GetInputStream();
        int read;
        while ((read = source.Read(buffer, 0, buffer.Length)) > 0)
        {
            _writingToSink = true;
            sink.Write(buffer, 0, read);
            _writingToSink = false;
        }

        return literal.FileName;
    }
}

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Decrypts OpenPGP messages, from us or from gpg, sq and gosop: compressed or not, any symmetric algorithm they
/// use, partial lengths, armored or binary. This assembly decrypts with a source's reply key only; the overloads
/// for newsroom keys are static extensions declared in SecureDrop.Net.Crypto.Newsroom (NewsroomDecryption), so
/// only a project that references that assembly can compile a call that decrypts a newsroom item.
/// </summary>
/// <remarks>
/// Threat: altered ciphertext. Messages without integrity protection (SED packets, no MDC) are refused before any
/// plaintext is produced. The plaintext sink still receives data BEFORE the MDC at the end can be checked (the
/// message is streamed): when <c>Decrypt</c> throws, the caller must discard everything the sink received.
/// </remarks>
public static class MessageDecryptor
{
    /// <summary>
    /// Decrypts one message with a source's reply key, writes the plaintext to <paramref name="plaintextSink"/> and
    /// returns the literal packet's file name: what the front end uses to show a source the replies sent to it.
    /// </summary>
    /// <exception cref="CryptoException">Not OpenPGP, not for this key, no integrity protection, failed MDC check,
    /// truncated, or trailing data after the message. Discard the sink's content.</exception>
    public static string Decrypt(Stream ciphertext, SourceReplySecretKey key, Stream plaintextSink)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(plaintextSink);
        return new DecryptionRun(key.DecryptionKeys, plaintextSink).Run(ciphertext);
    }

    /// <summary>
    /// Reads only the public-key encrypted session key packets at the start of a message and returns their
    /// recipient key ids (0 for a hidden recipient). Reads no further than the start of the encrypted payload.
    /// </summary>
    /// <exception cref="CryptoException">When the data is not an OpenPGP encrypted message.</exception>
    public static IReadOnlyList<ulong> ReadRecipientKeyIds(Stream ciphertext)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        const string NotEncrypted = "The data is not an OpenPGP encrypted message.";
        var recipients = new List<ulong>();
        try
        {
            Stream packets = OpenPgpInput.Unarmor(ciphertext);
            while (PacketHeader.Read(packets) is { } header)
            {
                switch (header.Tag)
                {
                    case 1 or 3 or 10 when !header.Partial && header.Length is >= 0 and <= 16 * 1024:
                        byte[] body = new byte[header.Length];
                        packets.ReadExactly(body);
                        if (header.Tag == 1 && body.Length > 0 && body[0] is 3 or 6)
                        {
                            // v3 names a key id; v6 a fingerprint, whose key id this is (0 when hidden).
                            recipients.Add(Pkesk.Parse(body).KeyId);
                        }

                        break;
                    case 9 or 18 or 20:
                        return recipients;
                    default:
                        throw new CryptoException(CryptoFailure.Malformed, NotEncrypted);
                }
            }

            throw new CryptoException(CryptoFailure.Malformed, NotEncrypted);
        }
        catch (Exception e) when (OpenPgpInput.IsLibraryFailure(e))
        {
            throw new CryptoException(CryptoFailure.Malformed, NotEncrypted, e);
        }
    }
}

namespace SecureDrop.Net.Crypto;

/// <summary>
/// The <see cref="MessageDecryptor"/> overloads that decrypt with a newsroom secret key. They are C# static
/// extension members so that callers write <c>MessageDecryptor.Decrypt(ciphertext, key, sink)</c> whatever the key,
/// while the code that decrypts a newsroom item compiles only into projects that reference this assembly: the
/// submission front end and the worker do not.
/// </summary>
/// <remarks>
/// Threat: altered ciphertext. Messages without integrity protection (SED packets, no MDC) are refused before any
/// plaintext is produced. The plaintext sink still receives data BEFORE the MDC at the end can be checked (the
/// message is streamed): when <c>Decrypt</c> throws, the caller must discard everything the sink received.
/// </remarks>
public static class NewsroomDecryption
{
    extension(MessageDecryptor)
    {
        /// <summary>
        /// Decrypts one message with <paramref name="key"/>, writes the plaintext to <paramref name="plaintextSink"/>
        /// and returns the literal packet's file name.
        /// </summary>
        /// <exception cref="CryptoException">Not OpenPGP, not for this key, no integrity protection, failed MDC check,
        /// truncated, or trailing data after the message. Discard the sink's content.</exception>
        public static string Decrypt(Stream ciphertext, NewsroomSecretKey key, Stream plaintextSink)
        {
            ArgumentNullException.ThrowIfNull(ciphertext);
            ArgumentNullException.ThrowIfNull(key);
            ArgumentNullException.ThrowIfNull(plaintextSink);
            return new DecryptionRun(key.DecryptionKeys, plaintextSink).Run(ciphertext);
        }

        /// <summary>
        /// As <see cref="Decrypt(Stream, NewsroomSecretKey, Stream)"/>, with whichever key of <paramref name="ring"/>
        /// the message is addressed to, active or retired.
        /// </summary>
        /// <exception cref="CryptoException">As the other overload; "not encrypted to this key" means no key of the ring.</exception>
        public static string Decrypt(Stream ciphertext, NewsroomKeyRing ring, Stream plaintextSink)
        {
            ArgumentNullException.ThrowIfNull(ciphertext);
            ArgumentNullException.ThrowIfNull(ring);
            ArgumentNullException.ThrowIfNull(plaintextSink);
            return new DecryptionRun(ring.DecryptionKeys, plaintextSink).Run(ciphertext);
        }
    }
}

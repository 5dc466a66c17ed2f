using System.Text;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Streams a submission into one OpenPGP message to the newsroom key: a public-key encrypted session key, then a
/// SEIPD v1 packet (tag 18, with MDC) under AES-256 holding a binary literal data packet with the original file
/// name and modification time 0. No compression: compressing before encrypting leaks content through length
/// (CRIME-style), and gpg, sq and gosop all read uncompressed messages.
/// </summary>
/// <remarks>
/// Plaintext is never buffered beyond a fixed 64 KiB, whatever the input size, and never touches disk here.
/// The original file name exists only inside the encrypted literal packet. Writes to the output are synchronous.
/// </remarks>
public static class MessageEncryptor
{
    /// <summary>Longest literal file name in UTF-8 bytes: its length is one octet (RFC 4880 §5.9).</summary>
    internal const int MaxFileNameBytes = 255;

    /// <summary>
    /// Returns a write-only stream: plaintext written to it is encrypted to <paramref name="recipient"/> and written
    /// to <paramref name="output"/>. Disposing it finishes the message and flushes, but leaves
    /// <paramref name="output"/> open. If writing fails, discard the output: an unfinished message has no MDC.
    /// </summary>
    /// <exception cref="ArgumentException">When the file name is longer than 255 UTF-8 bytes or the output is not writable.</exception>
    public static Stream Open(Stream output, NewsroomPublicKey recipient, string literalFileName)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(recipient);
        ArgumentNullException.ThrowIfNull(literalFileName);
        if (!output.CanWrite)
        {
            throw new ArgumentException("The output stream is not writable.", nameof(output));
        }

        if (Encoding.UTF8.GetByteCount(literalFileName) > MaxFileNameBytes)
        {
            throw new ArgumentException(
                $"The file name is longer than {MaxFileNameBytes} UTF-8 bytes; shorten it before encrypting.",
                nameof(literalFileName));
        }

        return EncryptingStream.Open(output, recipient.EncryptionKey, literalFileName);
    }
}

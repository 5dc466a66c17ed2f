using System.Text;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Streams a submission into one OpenPGP message to the newsroom key: a public-key encrypted session key packet per
/// recipient, then the encrypted payload under AES-256 holding a binary literal data packet with the original file
/// name and modification time 0, then padding (<see cref="MessagePadding"/>: Padmé above a 3.5 KiB floor), so the
/// stored length tells little about the true one. The payload is SEIPD v1 (tag 18, with MDC, v3 session key
/// packets) as every stock tool reads it, or SEIPD v2 (AES-256-OCB, v6 session key packets) when every recipient
/// is a v6 key or says it reads v2 (RFC 9580). To a post-quantum key (RFC 9980, ML-KEM), the session key packet is
/// its algorithm 35 or 36 and no classic packet is added. No compression: compressing before encrypting leaks
/// content through length (CRIME-style), and gpg, sq and gosop all read uncompressed messages.
/// </summary>
/// <remarks>
/// Plaintext is never buffered beyond two fixed 64 KiB buffers, whatever the input size, and never touches disk here.
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
        ArgumentNullException.ThrowIfNull(recipient);
        return Open(output, [recipient], literalFileName);
    }

    /// <summary>
    /// As <see cref="Open(Stream, NewsroomPublicKey, string)"/>, with the buffers <paramref name="buffers"/> allow:
    /// <see cref="MessageBuffers.StartSmall"/> for an upload that may arrive slowly (the caller grows them once it
    /// arrives fast). The message is the same OpenPGP either way.
    /// </summary>
    /// <exception cref="ArgumentException">As <see cref="Open(Stream, NewsroomPublicKey, string)"/>.</exception>
    public static Stream Open(Stream output, NewsroomPublicKey recipient, string literalFileName, MessageBuffers buffers)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        ArgumentNullException.ThrowIfNull(buffers);
        return Open(output, [recipient], literalFileName, buffers);
    }

    /// <summary>
    /// A reply to a source: one message readable by the source's reply key and by the newsroom key, so journalists
    /// can read what was sent, and the source at their next visit.
    /// </summary>
    /// <exception cref="ArgumentException">As <see cref="Open(Stream, IReadOnlyList{NewsroomPublicKey}, string)"/>.</exception>
    public static Stream OpenReply(Stream output, SourceReplyPublicKey source, NewsroomPublicKey newsroom, string literalFileName)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(newsroom);
        return Open(output, [source.Key, newsroom], literalFileName);
    }

    /// <summary>
    /// As <see cref="Open(Stream, NewsroomPublicKey, string)"/>, readable by each of <paramref name="recipients"/>
    /// (for example the newsroom key and a source's reply key): one session key, one public-key packet per
    /// recipient, one payload. Every recipient can read the message, and tell who else can from the key ids.
    /// </summary>
    /// <exception cref="ArgumentException">When there is no recipient, a recipient twice, or as the other overload.</exception>
    public static Stream Open(Stream output, IReadOnlyList<NewsroomPublicKey> recipients, string literalFileName) =>
        Open(output, recipients, literalFileName, buffers: null);

    /// <summary>
    /// As <see cref="Open(Stream, NewsroomPublicKey, string, MessageBuffers)"/>, under the session key that
    /// <paramref name="key"/> shares between messages stored together (an item and its sealed header): its
    /// public-key packet is made once, for the first of them.
    /// </summary>
    /// <exception cref="ArgumentException">As <see cref="Open(Stream, NewsroomPublicKey, string)"/>.</exception>
    public static Stream Open(Stream output, SharedMessageKey key, string literalFileName, MessageBuffers? buffers = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        CheckOutputAndName(output, literalFileName);
        return EncryptingStream.Open(output, key, literalFileName, buffers);
    }

    private static EncryptingStream Open(Stream output, IReadOnlyList<NewsroomPublicKey> recipients, string literalFileName, MessageBuffers? buffers)
    {
        ArgumentNullException.ThrowIfNull(recipients);
        CheckOutputAndName(output, literalFileName);
        if (recipients.Count == 0 || recipients.Any(r => r is null))
        {
            throw new ArgumentException("At least one recipient is needed, and none may be null.", nameof(recipients));
        }

        if (recipients.Select(r => r.EncryptionKeyId).Distinct().Count() != recipients.Count)
        {
            throw new ArgumentException("A recipient is listed twice.", nameof(recipients));
        }

        return EncryptingStream.Open(output, recipients, literalFileName, buffers);
    }

    private static void CheckOutputAndName(Stream output, string literalFileName)
    {
        ArgumentNullException.ThrowIfNull(output);
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
    }
}

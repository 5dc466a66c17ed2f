namespace SecureDrop.Net.Crypto;

/// <summary>
/// How much memory one message being encrypted may hold in buffers. Large (what the overloads of
/// <see cref="MessageEncryptor"/> without it use) starts at 64 KiB pieces and, once a message proves large, hands
/// 256 KiB pieces and 512 KiB segments to threads on a second core: the fastest, at about 3 MiB per large message.
/// <see cref="StartSmall"/> keeps 16 KiB pieces and starts no thread until <see cref="Grow"/> is called.
/// </summary>
/// <remarks>
/// Why: an upload arriving at Tor's speed cannot use the pipeline's speed, and a thousand of them at once would each
/// hold the large buffers (issue 19). The front end starts each upload small and calls <see cref="Grow"/> once the
/// upload arrives fast enough for the pipeline to pay; growing is one-way and takes effect at the next piece.
/// The bytes of the message are valid OpenPGP either way (only the partial body lengths differ). A SEIPD v2 message
/// (to a version 6 key) still holds one 256 KiB AEAD chunk while small: a chunk is encrypted whole.
/// </remarks>
public sealed class MessageBuffers
{
    /// <summary>A piece while small: 2^14 octets.</summary>
    internal const int SmallPieceBits = 14;

    private volatile bool _large;

    private MessageBuffers(bool large)
    {
        _large = large;
    }

    /// <summary>Whether the message may now use the large buffers and the pipeline threads.</summary>
    public bool IsLarge => _large;

    /// <summary>Buffers that stay small (16 KiB pieces, no thread) until <see cref="Grow"/>.</summary>
    public static MessageBuffers StartSmall() => new(large: false);

    /// <summary>Large buffers from the start: what <see cref="MessageEncryptor"/>'s other overloads use.</summary>
    public static MessageBuffers Large() => new(large: true);

    /// <summary>Lets the message use the large buffers and the pipeline from its next piece on. Safe from any thread.</summary>
    public void Grow() => _large = true;

    /// <summary>True while <paramref name="buffers"/> is given and still small.</summary>
    internal static bool AreSmall(MessageBuffers? buffers) => buffers is { IsLarge: false };
}

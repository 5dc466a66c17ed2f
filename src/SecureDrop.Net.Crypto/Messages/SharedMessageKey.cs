namespace SecureDrop.Net.Crypto;

/// <summary>
/// One session key, and its public-key packets, for the few messages to one recipient that are stored together and
/// say nothing more to whoever reads one of them: an item and the sealed header that names it (ItemMetadata). Each
/// public-key packet costs an asymmetric operation — to a post-quantum key an ML-KEM-768 encapsulation and an X25519
/// exchange, most of what a short text tip to it costs more than one to a classic key (benchmarks/RESULTS.md) — so
/// the header reuses the item's packet instead of making its own.
/// </summary>
/// <remarks>
/// Why one session key may serve several messages: in SEIPD v2 each packet derives its own message key and nonce
/// from the session key and its own random 32-octet salt (RFC 9580 §5.13.2), so two packets never share a key and
/// nonce. In SEIPD v1 (CFB with an all-zero IV, RFC 9580 §5.13.1) the first block encrypted is 16 random octets, so
/// from the second block on each message runs under its own random IV (its first ciphertext block): one key under
/// several v1 messages is CFB with random IVs, the way CFB is meant to be used. What sharing does give away: whoever
/// holds the session key of one message (gpg --show-session-key) reads the others. Share it only between messages
/// that tell each other's reader nothing new (the header holds the item's name, size and type, all in the item).
/// </remarks>
public sealed class SharedMessageKey : IDisposable
{
    private SessionKey? _session;
    private byte[][]? _packets;
    private bool _disposed;

    private SharedMessageKey(NewsroomPublicKey recipient)
    {
        Recipient = recipient;
    }

    public NewsroomPublicKey Recipient { get; }

    /// <summary>A key for messages to <paramref name="recipient"/>; its packets are made with the first message.</summary>
    public static SharedMessageKey For(NewsroomPublicKey recipient)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        return new SharedMessageKey(recipient);
    }

    /// <summary>The session key and its packet, made for the first message; SEIPD v2 if the recipient reads it.</summary>
    internal (SessionKey Session, byte[][] Packets, bool V2) Take()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        bool v2 = Recipient.SupportsSeipdV2;
        if (_session is null)
        {
            var session = SessionKey.NewAes256();
            try
            {
                _packets = [EncryptingStream.SessionKeyPacket(Recipient, session, v2 ? 6 : 3)];
            }
            catch
            {
                session.Dispose();
                throw;
            }

            _session = session;
        }

        return (_session, _packets!, v2);
    }

    /// <summary>Clears the session key: messages started with it may still be finished, no new one started.</summary>
    public void Dispose()
    {
        _disposed = true;
        _session?.Dispose();
        _session = null;
        _packets = null;
    }
}

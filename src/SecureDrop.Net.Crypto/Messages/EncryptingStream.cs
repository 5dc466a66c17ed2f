using System.Text;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// The write side of <see cref="MessageEncryptor"/>: one public-key packet per recipient around a fresh AES-256
/// session key, then the encrypted payload holding a binary literal packet and the padding
/// (<see cref="MessagePadding"/>), both written with partial body lengths from bounded buffers, so nothing grows
/// with the input. The payload is SEIPD v2 (AES-256-OCB, <see cref="SeipdV2Writer"/>) with v6 session key packets
/// when every recipient reads it (a v6 key, or a v4 key whose features say so: RFC 9580 §5.13.2), padded with
/// Padding packets; otherwise SEIPD v1 (<see cref="SeipdWriter"/>) with v3 session key packets, padded with markers.
/// </summary>
internal sealed class EncryptingStream : Stream
{
    private readonly Stream _output;
    private IPayloadWriter? _seipd;
    private MessagePadding? _padding;
    private PartialBodyWriter? _literal;

    private EncryptingStream(Stream output, IPayloadWriter seipd, MessagePadding padding, PartialBodyWriter literal)
    {
        _output = output;
        _seipd = seipd;
        _padding = padding;
        _literal = literal;
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => _literal is not null;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public static EncryptingStream Open(Stream output, IReadOnlyList<NewsroomPublicKey> recipients, string fileName, MessageBuffers? buffers = null)
    {
        using SessionKey session = SessionKey.NewAes256();
        return Open(output, recipients, fileName, session, buffers: buffers);
    }

    /// <summary>
    /// With a given session key (a seam for tests that hand the key to gpg --override-session-key) and padding
    /// encoding (for tests of what each tool accepts; by default the one that goes with the payload's version).
    /// </summary>
    internal static EncryptingStream Open(
        Stream output, IReadOnlyList<NewsroomPublicKey> recipients, string fileName, SessionKey session, PaddingEncoding? padding = null,
        MessageBuffers? buffers = null)
    {
        bool v2 = recipients.All(r => r.SupportsSeipdV2);
        var packets = recipients.Select(r => SessionKeyPacket(r, session, v2 ? 6 : 3)).ToList();
        return Start(output, packets, session, v2, fileName, padding, buffers);
    }

    /// <summary>A message under a session key shared with others (<see cref="SharedMessageKey"/>).</summary>
    public static EncryptingStream Open(Stream output, SharedMessageKey key, string fileName, MessageBuffers? buffers)
    {
        var (session, packets, v2) = key.Take();
        return Start(output, packets, session, v2, fileName, padding: null, buffers);
    }

    /// <summary>The public-key encrypted session key packet of <paramref name="session"/> to one recipient.</summary>
    public static byte[] SessionKeyPacket(NewsroomPublicKey recipient, SessionKey session, int pkeskVersion)
    {
        try
        {
            return SessionKeyEncryption.Encrypt(recipient.EncryptionKey, session, pkeskVersion);
        }
        catch (Exception e) when (e is not CryptoException && OpenPgpInput.IsLibraryFailure(e))
        {
            throw new CryptoException(CryptoFailure.UnsupportedKey, "The message could not be started: a recipient key is unusable.", e);
        }
    }

    private static EncryptingStream Start(
        Stream output, IReadOnlyList<byte[]> packets, SessionKey session, bool v2, string fileName, PaddingEncoding? padding, MessageBuffers? buffers)
    {
        foreach (byte[] packet in packets)
        {
            output.Write(packet);
        }

        IPayloadWriter seipd = v2
            ? new SeipdV2Writer(session, bytes => output.Write(bytes), buffers)
            : new SeipdWriter(CfbCipher.Create(session), bytes => output.Write(bytes), buffers);
        var padder = new MessagePadding(seipd.Write, padding ?? (v2 ? PaddingEncoding.PaddingPackets : PaddingEncoding.Markers));
        var literal = new PartialBodyWriter((int)PacketTag.LiteralData, padder.Write, SeipdWriter.LargePieceBits, buffers);

        // Binary format, the name, modification time 0: the real time would be metadata about the source.
        byte[] name = Encoding.UTF8.GetBytes(fileName);
        literal.Write([(byte)PgpLiteralData.Binary, (byte)name.Length, .. name, 0, 0, 0, 0]);
        return new EncryptingStream(output, seipd, padder, literal);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_literal is null, this);
        _literal.Write(buffer);
    }

    public override void WriteByte(byte value) => Write([value]);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // Encrypting is CPU work and the packet writers are synchronous: run it inline.
        cancellationToken.ThrowIfCancellationRequested();
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    /// <summary>Nothing to flush mid-message: partial packets are emitted whole, on dispose or as buffers fill.</summary>
    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _literal is not null && _seipd is not null && _padding is not null)
        {
            try
            {
                // Order matters: closing the literal packet, padding, then the encrypted packet, which appends the MDC.
                _literal.Finish();
                _padding.Finish();
                _seipd.Finish();
                _output.Flush();
            }
            finally
            {
                _seipd.Dispose();
                _literal = null;
                _padding = null;
                _seipd = null;
            }
        }

        base.Dispose(disposing);
    }
}

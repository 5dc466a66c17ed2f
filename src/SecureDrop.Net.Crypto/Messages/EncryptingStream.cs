using System.Text;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Security;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// The write side of <see cref="MessageEncryptor"/>: one public-key packet per recipient around a fresh AES-256
/// session key, then a SEIPD v1 packet (<see cref="SeipdWriter"/>) holding a binary literal packet and the padding
/// (<see cref="MessagePadding"/>, marker packets), both written with partial body lengths from bounded buffers
/// (64 KiB, the literal one growing once to 256 KiB for a large message), so nothing grows with the input.
/// </summary>
internal sealed class EncryptingStream : Stream
{
    private readonly Stream _output;
    private SeipdWriter? _seipd;
    private MessagePadding? _padding;
    private PartialBodyWriter? _literal;

    private EncryptingStream(Stream output, SeipdWriter seipd, MessagePadding padding, PartialBodyWriter literal)
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

    public static EncryptingStream Open(Stream output, IReadOnlyList<PgpPublicKey> recipients, string fileName)
    {
        using SessionKey session = SessionKey.NewAes256();
        return Open(output, recipients, fileName, session);
    }

    /// <summary>
    /// With a given session key (a seam for tests that hand the key to gpg --override-session-key) and padding
    /// encoding (for tests of what each tool accepts).
    /// </summary>
    internal static EncryptingStream Open(
        Stream output, IReadOnlyList<PgpPublicKey> recipients, string fileName, SessionKey session, PaddingEncoding padding = PaddingEncoding.Markers)
    {
        var random = new SecureRandom();
        var packets = new List<byte[]>(recipients.Count);
        try
        {
            packets.AddRange(recipients.Select(r => SessionKeyWrap.Encode(SessionKeyWrap.Wrap(session, r, random))));
        }
        catch (Exception e) when (OpenPgpInput.IsLibraryFailure(e))
        {
            throw new CryptoException("The message could not be started: a recipient key is unusable.", e);
        }

        foreach (byte[] packet in packets)
        {
            output.Write(packet);
        }

        var seipd = new SeipdWriter(CfbCipher.Create(session), bytes => output.Write(bytes));
        var padder = new MessagePadding(seipd.Write, padding);
        var literal = new PartialBodyWriter((int)PacketTag.LiteralData, padder.Write, SeipdWriter.LargePieceBits);

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

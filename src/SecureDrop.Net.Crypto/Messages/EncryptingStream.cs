using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Security;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// The write side of <see cref="MessageEncryptor"/>: literal data generator inside the encrypted data generator,
/// both with fixed buffers so BouncyCastle emits partial-length packets instead of buffering the whole input.
/// </summary>
internal sealed class EncryptingStream : Stream
{
    private const int BufferSize = 64 * 1024;

    private readonly Stream _output;
    private readonly byte[] _literalBuffer;
    private Stream? _encrypted;
    private Stream? _literal;

    private EncryptingStream(Stream output, Stream encrypted, Stream literal, byte[] literalBuffer)
    {
        _output = output;
        _encrypted = encrypted;
        _literal = literal;
        _literalBuffer = literalBuffer;
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

    public static EncryptingStream Open(Stream output, PgpPublicKey recipient, string fileName)
    {
        byte[] literalBuffer = new byte[BufferSize];
        try
        {
            var generator = new PgpEncryptedDataGenerator(
                SymmetricKeyAlgorithmTag.Aes256, withIntegrityPacket: true, new SecureRandom());
            generator.AddMethod(recipient);
            Stream encrypted = generator.Open(output, new byte[BufferSize]);

            // Modification time 0: the real time would be metadata about the source, and nothing needs it.
            Stream literal = new PgpLiteralDataGenerator().Open(
                encrypted, PgpLiteralData.Binary, fileName, DateTime.UnixEpoch, literalBuffer);
            return new EncryptingStream(output, encrypted, literal, literalBuffer);
        }
        catch (PgpException e)
        {
            throw new CryptoException("The message could not be started: the recipient key is unusable.", e);
        }
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
        // BouncyCastle's generators are synchronous; encrypting is CPU work, so run it inline.
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
        if (disposing && _literal is not null)
        {
            try
            {
                // Order matters: closing the literal packet, then the encrypted packet, which appends the MDC.
                _literal.Dispose();
                _encrypted?.Dispose();
                _output.Flush();
            }
            finally
            {
                _literal = null;
                _encrypted = null;
                CryptographicOperations.ZeroMemory(_literalBuffer);
            }
        }

        base.Dispose(disposing);
    }
}

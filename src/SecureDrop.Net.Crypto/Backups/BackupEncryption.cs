using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Security;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Encrypts an instance backup as one standard OpenPGP message (AES-256, no compression), to an operator's public key
/// or to a passphrase. To a passphrase or a classic key it is SEIPD v1 with MDC, so that stock <c>gpg --decrypt</c>
/// recovers it on any machine even when no sdnet build is at hand; to a post-quantum key (RFC 9980) it is what
/// <see cref="MessageEncryptor"/> writes for that key, which <c>sdnet backup restore --key</c> opens.
/// </summary>
/// <remarks>
/// Threat: a stolen backup. With a passphrase, the key comes from OpenPGP's iterated and salted S2K with SHA-256 at
/// the largest iteration count the format allows (65,011,712 bytes hashed per guess). That is not memory-hard, so
/// the passphrase must be long (see <see cref="MinimumPassphraseLength"/>); an operator key is the stronger choice.
/// </remarks>
public static class BackupEncryption
{
    /// <summary>Shortest passphrase accepted: about five diceware words.</summary>
    public const int MinimumPassphraseLength = 20;

    /// <summary>The literal packet's name; <c>gpg -o backup.tar --decrypt FILE</c> gives the tar archive.</summary>
    public const string LiteralName = "sdnet-backup.tar";

    // The S2K count octet 0xFF: (16 + 15) << (15 + 6) = 65,011,712 bytes hashed (RFC 4880 §3.7.1.3).
    private const int MaximumS2kCount = 0xFF;

    /// <summary>
    /// A write-only stream whose content is encrypted to <paramref name="recipient"/>, as every item is
    /// (<see cref="MessageEncryptor"/>): to a post-quantum operator key the backup is safe against a future quantum
    /// computer, and only <c>sdnet backup restore --key</c> (or an RFC 9980 tool) opens it. Dispose it to finish.
    /// </summary>
    public static Stream Open(Stream output, NewsroomPublicKey recipient)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        return MessageEncryptor.Open(output, recipient, LiteralName);
    }

    /// <summary>A write-only stream whose content is encrypted under <paramref name="passphrase"/>.</summary>
    /// <exception cref="CryptoException">When the passphrase is shorter than <see cref="MinimumPassphraseLength"/>.</exception>
    public static Stream Open(Stream output, ReadOnlySpan<char> passphrase)
    {
        if (passphrase.Trim().Length < MinimumPassphraseLength)
        {
            throw new CryptoException(CryptoFailure.WeakPassphrase, $"The backup passphrase must be at least {MinimumPassphraseLength} characters long (five random words or more).");
        }

        var generator = new PgpEncryptedDataGenerator(SymmetricKeyAlgorithmTag.Aes256, true, new SecureRandom());
        var characters = passphrase.ToArray();
        try
        {
            generator.AddMethodUtf8(characters, HashAlgorithmTag.Sha256, MaximumS2kCount);
        }
        finally
        {
            Array.Clear(characters);
        }

        return Open(output, generator);
    }

    private static MessageStream Open(Stream output, PgpEncryptedDataGenerator generator)
    {
        ArgumentNullException.ThrowIfNull(output);
        var encrypted = generator.Open(output, new byte[1 << 16]);
        var literal = new PgpLiteralDataGenerator().Open(encrypted, PgpLiteralData.Binary, LiteralName, DateTime.UnixEpoch, new byte[1 << 16]);
        return new MessageStream(literal, encrypted);
    }

    /// <summary>Closes the literal packet, then the encrypted packet (which writes the MDC).</summary>
    private sealed class MessageStream : Stream
    {
        private readonly Stream _literal;
        private readonly Stream _encrypted;
        private bool _disposed;

        public MessageStream(Stream literal, Stream encrypted)
        {
            _literal = literal;
            _encrypted = encrypted;
        }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => !_disposed;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => _literal.Write(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => _literal.Write(buffer);

        public override void Flush() => _literal.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_disposed)
            {
                _disposed = true;
                _literal.Dispose();
                _encrypted.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

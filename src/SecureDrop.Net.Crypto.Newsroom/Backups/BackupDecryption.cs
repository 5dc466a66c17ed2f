using System.Globalization;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Opens a backup made by <see cref="BackupEncryption"/> (or any OpenPGP message with integrity protection).
/// <see cref="Content"/> streams the plaintext BEFORE the MDC at the end can be checked: treat everything read as
/// unconfirmed until <see cref="Verify"/> returns.
/// </summary>
public sealed class BackupDecryption : IDisposable
{
    private const string Damaged = "The backup is damaged or truncated: its encrypted data ends early or does not decode.";
    private readonly PgpEncryptedData _data;
    private readonly Stream _clear;

    private BackupDecryption(PgpEncryptedData data, Stream clear, Stream literal)
    {
        _data = data;
        _clear = clear;
        Content = new GuardedStream(literal);
    }

    /// <summary>The plaintext, unconfirmed until <see cref="Verify"/>. Read failures surface as <see cref="CryptoException"/>.</summary>
    public Stream Content { get; }

    /// <summary>True when the backup is encrypted to a passphrase; otherwise it names the key ids it is encrypted to.</summary>
    public static (bool Passphrase, IReadOnlyList<string> KeyIds) Inspect(Stream input)
    {
        var list = ReadList(input);
        var keyIds = list.GetEncryptedDataObjects().OfType<PgpPublicKeyEncryptedData>()
            .Select(data => data.KeyId.ToString("X16", CultureInfo.InvariantCulture)).ToList();
        return (list.GetEncryptedDataObjects().OfType<PgpPbeEncryptedData>().Any(), keyIds);
    }

    /// <exception cref="CryptoException">Not an encrypted backup, not for a passphrase, or the passphrase is wrong.</exception>
    public static BackupDecryption Open(Stream input, ReadOnlySpan<char> passphrase)
    {
        var list = ReadList(input);
        var pbe = list.GetEncryptedDataObjects().OfType<PgpPbeEncryptedData>().FirstOrDefault()
            ?? throw new CryptoException("This backup is encrypted to an OpenPGP key, not a passphrase: give that key's secret key with --key FILE.");
        var characters = passphrase.ToArray();
        try
        {
            return Open(pbe, () => pbe.GetDataStreamUtf8(characters), "The passphrase is wrong (or the backup is damaged at its start).");
        }
        finally
        {
            Array.Clear(characters);
        }
    }

    /// <exception cref="CryptoException">Not an encrypted backup, or not encrypted to <paramref name="key"/>.</exception>
    public static BackupDecryption Open(Stream input, NewsroomSecretKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var list = ReadList(input);
        foreach (var data in list.GetEncryptedDataObjects().OfType<PgpPublicKeyEncryptedData>())
        {
            if (key.DecryptionKeys.TryGetValue(data.KeyId, out var privateKey))
            {
                return Open(data, () => data.GetDataStream(privateKey), "The backup's session key does not decrypt with this key (or the backup is damaged at its start).");
            }
        }

        throw new CryptoException(list.GetEncryptedDataObjects().OfType<PgpPbeEncryptedData>().Any()
            ? "This backup is encrypted to a passphrase, not a key: leave out --key and give the passphrase."
            : "This backup is not encrypted to the key given with --key.");
    }

    /// <summary>Reads what is left and checks the MDC; only then is the content confirmed.</summary>
    /// <exception cref="CryptoException">When the backup was altered, truncated or has no integrity protection.</exception>
    public void Verify()
    {
        try
        {
            Content.CopyTo(Stream.Null);
            if (!_data.IsIntegrityProtected() || !_data.Verify())
            {
                throw new CryptoException("The backup failed its integrity check (MDC): it was altered or damaged. Do not use it.");
            }
        }
        catch (Exception exception) when (exception is IOException or PgpException)
        {
            throw new CryptoException(Damaged, exception);
        }
    }

    public void Dispose()
    {
        Content.Dispose();
        _clear.Dispose();
    }

    private static PgpEncryptedDataList ReadList(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        try
        {
            var factory = new PgpObjectFactory(PgpUtilities.GetDecoderStream(input));
            var next = factory.NextPgpObject();
            while (next is PgpMarker)
            {
                next = factory.NextPgpObject();
            }

            return next as PgpEncryptedDataList
                ?? throw new CryptoException("The file is not an encrypted sdnet backup (no OpenPGP encrypted message at its start).");
        }
        catch (Exception exception) when (exception is IOException or PgpException)
        {
            throw new CryptoException("The file is not an encrypted sdnet backup (no OpenPGP encrypted message at its start).", exception);
        }
    }

    private static BackupDecryption Open(PgpEncryptedData data, Func<Stream> decrypt, string wrongSecret)
    {
        Stream clear;
        try
        {
            clear = decrypt();
        }
        catch (Exception exception) when (exception is IOException or PgpException)
        {
            throw new CryptoException(wrongSecret, exception);
        }

        try
        {
            if (!data.IsIntegrityProtected())
            {
                throw new CryptoException("The backup has no integrity protection (no MDC); sdnet never writes such a file. Do not use it.");
            }

            var plain = new PgpObjectFactory(clear).NextPgpObject();
            if (plain is not PgpLiteralData literal)
            {
                throw new CryptoException("The backup's content is not what sdnet writes (no literal data packet).");
            }

            return new BackupDecryption(data, clear, literal.GetInputStream());
        }
        catch (Exception exception) when (exception is IOException or PgpException)
        {
            clear.Dispose();
            throw new CryptoException(Damaged, exception);
        }
        catch
        {
            clear.Dispose();
            throw;
        }
    }

    /// <summary>Turns the library's read failures into one plain <see cref="CryptoException"/>.</summary>
    private sealed class GuardedStream : Stream
    {
        private readonly Stream _inner;

        public GuardedStream(Stream inner)
        {
            _inner = inner;
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            try
            {
                return _inner.Read(buffer);
            }
            catch (Exception exception) when (exception is IOException or PgpException or InvalidOperationException)
            {
                throw new CryptoException(Damaged, exception);
            }
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

using System.Globalization;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Opens a backup made by <see cref="BackupEncryption"/> (or any OpenPGP message with integrity protection): to a
/// passphrase (SKESK, through BouncyCastle), or to a newsroom or operator key of any kind we accept, post-quantum
/// included (through our own packet layer: SEIPD v1 or v2). <see cref="Content"/> streams the plaintext BEFORE the
/// integrity check at the end: treat everything read as unconfirmed until <see cref="Verify"/> returns.
/// </summary>
public sealed class BackupDecryption : IDisposable
{
    private const string Damaged = "The backup is damaged or truncated: its encrypted data ends early or does not decode.";
    private const string NotABackup = "The file is not an encrypted sdnet backup (no OpenPGP encrypted message at its start).";
    private readonly PgpEncryptedData? _data;
    private readonly Stream _clear;

    private BackupDecryption(PgpEncryptedData? data, Stream clear, Stream literal)
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
        MessageEnvelope envelope = ReadEnvelope(input);
        var keyIds = envelope.PublicKeyPackets.Select(p => p.KeyId.ToString("X16", CultureInfo.InvariantCulture)).ToList();
        return (envelope.Leading.Any(p => p.Tag == 3), keyIds);
    }

    /// <exception cref="CryptoException">Not an encrypted backup, not for a passphrase, or the passphrase is wrong.</exception>
    public static BackupDecryption Open(Stream input, ReadOnlySpan<char> passphrase)
    {
        var list = ReadList(input);
        var pbe = list.GetEncryptedDataObjects().OfType<PgpPbeEncryptedData>().FirstOrDefault()
            ?? throw new CryptoException(CryptoFailure.WrongKind, "This backup is encrypted to an OpenPGP key, not a passphrase: give that key's secret key with --key FILE.");
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
        MessageEnvelope envelope = ReadEnvelope(input);
        SessionKey session = DecryptionRun.TryFindSession(envelope, key.DecryptionKeys)
            ?? throw NoSession(envelope, key);
        Stream? payload = null;
        try
        {
            payload = envelope.Version == 2
                ? new SeipdV2Reader(envelope.PayloadBody, envelope.V2Parameters(session))
                : new SeipdReader(envelope.PayloadBody, CfbCipher.Create(session));
            PacketHeader literal = PacketHeader.Read(payload) is { Tag: 11 } header
                ? header
                : throw new CryptoException(CryptoFailure.Malformed, "The backup's content is not what sdnet writes (no literal data packet).");
            var body = new PacketBodyStream(payload, literal);
            SkipLiteralHeader(body);
            return new BackupDecryption(null, payload, body);
        }
        catch (Exception exception) when (OpenPgpInput.IsLibraryFailure(exception))
        {
            payload?.Dispose();
            throw new CryptoException(CryptoFailure.Tampered, Damaged, exception);
        }
        catch
        {
            payload?.Dispose();
            throw;
        }
        finally
        {
            session.Dispose();
        }
    }

    /// <summary>Reads what is left and checks the MDC (or AEAD tags); only then is the content confirmed.</summary>
    /// <exception cref="CryptoException">When the backup was altered, truncated or has no integrity protection.</exception>
    public void Verify()
    {
        try
        {
            Content.CopyTo(Stream.Null);
            if (_data is null)
            {
                // Ours: the padding after the literal packet, then the payload's own integrity check.
                var payload = (IPayloadReader)_clear;
                TrailingPadding.Skip(payload);
                if (!payload.PeekSpan().IsEmpty)
                {
                    throw new CryptoException(CryptoFailure.Malformed, "The backup's content is not what sdnet writes (packets after its data).");
                }

                payload.ReadToEndAndVerify();
                return;
            }

            if (!_data.IsIntegrityProtected() || !_data.Verify())
            {
                throw new CryptoException(CryptoFailure.Tampered, "The backup failed its integrity check (MDC): it was altered or damaged. Do not use it.");
            }
        }
        catch (Exception exception) when (exception is IOException or PgpException)
        {
            throw new CryptoException(CryptoFailure.Tampered, Damaged, exception);
        }
    }

    public void Dispose()
    {
        Content.Dispose();
        _clear.Dispose();
    }

    private static MessageEnvelope ReadEnvelope(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        try
        {
            return MessageEnvelope.Read(OpenPgpInput.Unarmor(input));
        }
        catch (Exception exception) when (OpenPgpInput.IsLibraryFailure(exception))
        {
            throw new CryptoException(CryptoFailure.Malformed, NotABackup, exception);
        }
    }

    private static CryptoException NoSession(MessageEnvelope envelope, NewsroomSecretKey key) =>
        envelope.Leading.Any(p => p.Tag == 3)
            ? new(CryptoFailure.WrongKind, "This backup is encrypted to a passphrase, not a key: leave out --key and give the passphrase.")
            : envelope.PublicKeyPackets.Any(p => key.DecryptionKeys.Any(k => p.Names(k.Key)))
                ? new(CryptoFailure.WrongKeyOrAltered, "The backup's session key does not decrypt with this key (or the backup is damaged at its start).")
                : new(CryptoFailure.NotForThisKey, "This backup is not encrypted to the key given with --key.");

    /// <summary>The literal packet's format octet, name length, name and date (RFC 9580 §5.9): the data follows.</summary>
    private static void SkipLiteralHeader(Stream body)
    {
        Span<byte> head = stackalloc byte[2];
        body.ReadExactly(head);
        body.ReadExactly(new byte[head[1] + 4]);
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

            return next as PgpEncryptedDataList ?? throw new CryptoException(CryptoFailure.Malformed, NotABackup);
        }
        catch (Exception exception) when (exception is IOException or PgpException)
        {
            throw new CryptoException(CryptoFailure.Malformed, NotABackup, exception);
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
            throw new CryptoException(CryptoFailure.WrongPassphrase, wrongSecret, exception);
        }

        try
        {
            if (!data.IsIntegrityProtected())
            {
                throw new CryptoException(CryptoFailure.MessageRefused, "The backup has no integrity protection (no MDC); sdnet never writes such a file. Do not use it.");
            }

            var plain = new PgpObjectFactory(clear).NextPgpObject();
            if (plain is not PgpLiteralData literal)
            {
                throw new CryptoException(CryptoFailure.Malformed, "The backup's content is not what sdnet writes (no literal data packet).");
            }

            return new BackupDecryption(data, clear, literal.GetInputStream());
        }
        catch (Exception exception) when (exception is IOException or PgpException)
        {
            clear.Dispose();
            throw new CryptoException(CryptoFailure.Tampered, Damaged, exception);
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
                throw new CryptoException(CryptoFailure.Tampered, Damaged, exception);
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

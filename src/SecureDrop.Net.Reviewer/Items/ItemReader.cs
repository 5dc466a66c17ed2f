using SecureDrop.Net.Core.Submissions;
using SecureDrop.Net.Crypto;
using SecureDrop.Net.Custody.Keys;
using SecureDrop.Net.Custody.Submissions;
using SecureDrop.Net.Reviewer.Sessions;
using SecureDrop.Net.Vault.Submissions;

namespace SecureDrop.Net.Reviewer.Items;

/// <summary>
/// Decrypts vault items for a journalist's session. Plaintext is released only after the OpenPGP integrity check
/// passes: it is collected in memory first, and never written to disk on the server (the one exception is the
/// metadata-scrubbed copy, see <see cref="Scrubber"/>).
/// </summary>
internal sealed class ItemReader
{
    /// <summary>Items larger than this are verified in a first pass and streamed in a second, to keep memory flat.</summary>
    public const long InMemoryLimit = 64L * 1024 * 1024;

    private readonly ItemFiles _files;
    private readonly ItemStore _submissions;
    private readonly SealedNewsroomKeys _keys;

    public ItemReader(ItemFiles files, ItemStore submissions, SealedNewsroomKeys keys)
    {
        _files = files;
        _submissions = submissions;
        _keys = keys;
    }

    public DecryptedItem Decrypt(StoredItem item, UnlockedSession session)
    {
        ArgumentNullException.ThrowIfNull(item);
        var key = KeyFor(item, session);
        using var ciphertext = _files.OpenVaultItem(item.Id);
        using var plaintext = new MemoryStream();
        var name = MessageDecryptor.Decrypt(ciphertext, key, plaintext);
        return new DecryptedItem(name, plaintext.ToArray());
    }

    /// <summary>
    /// The item's name, size and type from its small sealed header. Items stored before headers existed are
    /// decrypted once (without keeping the plaintext) and given a header, so the next listing is cheap.
    /// </summary>
    public async Task<ItemMetadata> HeaderAsync(StoredItem item, UnlockedSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.Metadata is not null)
        {
            return OpenHeader(item, session);
        }

        var key = KeyFor(item, session);

        var counter = new CountingSink();
        string name;
        using (var ciphertext = _files.OpenVaultItem(item.Id))
        {
            name = MessageDecryptor.Decrypt(ciphertext, key, counter);
        }

        var header = new ItemMetadata(name, counter.Length, item.IsMessage ? "text/plain; charset=utf-8" : "application/octet-stream");
        var sealTo = (session.KeyFor(item.NewsroomKey) ?? key.Active).PublicKey;
        await _submissions.SetMetadataAsync(item.Id, ItemMetadata.Seal(sealTo, header.FileName, header.Size, header.ContentType), cancellationToken);
        return header;
    }

    /// <summary>The item's sealed header opened (it must have one): CPU work only, safe to run for several items at once.</summary>
    public ItemMetadata OpenHeader(StoredItem item, UnlockedSession session)
    {
        ArgumentNullException.ThrowIfNull(item);
        return ItemMetadata.Open(item.Metadata ?? throw new InvalidOperationException("The item has no sealed header."), KeyFor(item, session));
    }

    /// <summary>Checks a large item's integrity without keeping its plaintext, then returns its file name.</summary>
    public string Verify(StoredItem item, UnlockedSession session)
    {
        ArgumentNullException.ThrowIfNull(item);
        using var ciphertext = _files.OpenVaultItem(item.Id);
        return MessageDecryptor.Decrypt(ciphertext, KeyFor(item, session), Stream.Null);
    }

    /// <summary>Streams an item already verified by <see cref="Verify"/>; the vault file is never rewritten in place.</summary>
    public void DecryptTo(StoredItem item, UnlockedSession session, Stream output)
    {
        ArgumentNullException.ThrowIfNull(item);
        using var ciphertext = _files.OpenVaultItem(item.Id);
        MessageDecryptor.Decrypt(ciphertext, KeyFor(item, session), output);
    }

    /// <summary>
    /// Writes an item's verified plaintext to <paramref name="output"/>: small items are decrypted into memory and
    /// checked first; large ones are checked in a first pass and streamed in a second. Returns the literal name.
    /// </summary>
    public string CopyVerifiedTo(StoredItem item, UnlockedSession session, Stream output)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(output);
        if (item.CiphertextBytes <= InMemoryLimit)
        {
            var decrypted = Decrypt(item, session);
            try
            {
                output.Write(decrypted.Content);
                return decrypted.FileName;
            }
            finally
            {
                Array.Clear(decrypted.Content);
            }
        }

        var name = Verify(item, session);
        DecryptTo(item, session, output);
        return name;
    }

    public FileStream OpenCiphertext(StoredItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return _files.OpenVaultItem(item.Id);
    }

    /// <summary>
    /// Every key of the session as a ring: the message's own key ids pick the key, so an item re-wrapped a moment
    /// before its row says so still opens. A key added by a rotation after sign-in is unsealed on first need.
    /// </summary>
    private NewsroomKeyRing KeyFor(StoredItem item, UnlockedSession session)
    {
        if (session.KeyFor(item.NewsroomKey) is null)
        {
            session.AddKeys(_keys.UnsealSecretKeys(session.VaultKey));
        }

        var keys = session.Keys;
        return keys.Count > 0
            ? new NewsroomKeyRing(keys[0], keys.Skip(1))
            : throw new CryptoException(CryptoFailure.KeyNotAvailable, $"The newsroom key {item.NewsroomKey} that this item needs is not available.");
    }

    private sealed class CountingSink : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Position;

        public override long Position { get; set; }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Position += count;

        public override void Write(ReadOnlySpan<byte> buffer) => Position += buffer.Length;
    }
}

internal sealed record DecryptedItem(string FileName, byte[] Content);

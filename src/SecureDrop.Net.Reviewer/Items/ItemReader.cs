using SecureDrop.Net.Core.Submissions;
using SecureDrop.Net.Crypto;
using SecureDrop.Net.Custody.Keys;
using SecureDrop.Net.Custody.Submissions;
using SecureDrop.Net.Reviewer.Sessions;
using SecureDrop.Net.Vault.Submissions;

namespace SecureDrop.Net.Reviewer.Items;

/// <summary>
/// Decrypts vault items for a journalist's session, never onto the server's disk (the one exception is the
/// metadata-scrubbed copy, see <see cref="Scrubber"/>). Small plaintext (a message shown on a page) is held whole in
/// a <see cref="PlaintextBuffer"/>, cleared when disposed; anything else streams (see <see cref="PlaintextRelay"/>).
/// </summary>
internal sealed partial class ItemReader
{
    private readonly ItemFiles _files;
    private readonly ItemStore _submissions;
    private readonly SealedNewsroomKeys _keys;
    private readonly ILogger<ItemReader> _logger;

    public ItemReader(ItemFiles files, ItemStore submissions, SealedNewsroomKeys keys, ILogger<ItemReader> logger)
    {
        _files = files;
        _submissions = submissions;
        _keys = keys;
        _logger = logger;
    }

    /// <summary>
    /// A message's whole plaintext, checked, in a pooled buffer the caller disposes (which clears it). For what a page
    /// shows; files stream through <see cref="DecryptTo"/>.
    /// </summary>
    /// <exception cref="CryptoException">The item does not decrypt or was altered (nothing is returned).</exception>
    public PlaintextBuffer DecryptMessage(StoredItem item, UnlockedSession session)
    {
        ArgumentNullException.ThrowIfNull(item);
        var key = KeyFor(item, session);
        var plaintext = new PlaintextBuffer((int)Math.Min(item.CiphertextBytes, 1024 * 1024));
        try
        {
            Decrypt(item, key, plaintext);
            return plaintext;
        }
        catch
        {
            plaintext.Dispose();
            throw;
        }
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
        using var counter = new CountingSink(Stream.Null, cancellationToken);
        var name = Decrypt(item, key, counter);
        return await SealHeaderAsync(item, session, new DecryptedItem(name, counter.Written), cancellationToken);
    }

    /// <summary>
    /// Gives an item stored before headers existed the header that a whole decryption of it (<see cref="DecryptTo"/>)
    /// has just learned, so that it is never decrypted only to learn its name and size again.
    /// </summary>
    public async Task<ItemMetadata> SealHeaderAsync(StoredItem item, UnlockedSession session, DecryptedItem decrypted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        var header = new ItemMetadata(decrypted.Name, decrypted.Length, item.IsMessage ? "text/plain; charset=utf-8" : "application/octet-stream");
        var sealTo = (session.KeyFor(item.NewsroomKey) ?? KeyFor(item, session).Active).PublicKey;
        await _submissions.SetMetadataAsync(item.Id, ItemMetadata.Seal(sealTo, header.FileName, header.Size, header.ContentType), cancellationToken);
        return header;
    }

    /// <summary>The item's sealed header opened (it must have one): CPU work only, safe to run for several items at once.</summary>
    public ItemMetadata OpenHeader(StoredItem item, UnlockedSession session)
    {
        ArgumentNullException.ThrowIfNull(item);
        return ItemMetadata.Open(item.Metadata ?? throw new InvalidOperationException("The item has no sealed header."), KeyFor(item, session));
    }

    /// <summary>
    /// Streams an item's plaintext to <paramref name="output"/> and returns the literal packet's name and the plaintext's
    /// length (for an item stored before headers existed, what <see cref="SealHeaderAsync"/> takes). The integrity
    /// check ends the stream: when this throws, what <paramref name="output"/> received must be discarded (a relay
    /// holds its last buffer back until this returns). Stops at the next write once <paramref name="cancellationToken"/>
    /// is cancelled.
    /// </summary>
    public DecryptedItem DecryptTo(StoredItem item, UnlockedSession session, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        var key = KeyFor(item, session);
        using var sink = new CountingSink(output, cancellationToken);
        var name = Decrypt(item, key, sink);
        return new DecryptedItem(name, sink.Written);
    }

    public FileStream OpenCiphertext(StoredItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return _files.OpenVaultItem(item.Id);
    }

    /// <summary>Every decryption of a vault item's file passes here, once per decryption (the log counts them).</summary>
    private string Decrypt(StoredItem item, NewsroomKeyRing key, Stream sink)
    {
        LogDecrypting(item.Id);
        using var ciphertext = _files.OpenVaultItem(item.Id);
        return MessageDecryptor.Decrypt(ciphertext, key, sink);
    }

    [LoggerMessage(EventId = 3115, Level = LogLevel.Debug, Message = "Decrypting item {ItemId}")]
    private partial void LogDecrypting(string itemId);

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

    /// <summary>Passes writes on, counting them, and stops the decryption at its next write once cancelled.</summary>
    private sealed class CountingSink(Stream inner, CancellationToken cancellationToken) : WriteOnlyStream
    {
        public override long Length => Written;

        public long Written { get; private set; }

        public override void Flush() => inner.Flush();

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            cancellationToken.ThrowIfCancellationRequested();
            inner.Write(buffer);
            Written += buffer.Length;
        }
    }
}

/// <summary>What a whole decryption of an item learned: the literal packet's file name and the plaintext's length.</summary>
internal readonly record struct DecryptedItem(string Name, long Length);

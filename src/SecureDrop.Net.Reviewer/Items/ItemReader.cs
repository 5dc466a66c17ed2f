using SecureDrop.Net.Core.Keys;
using SecureDrop.Net.Core.Submissions;
using SecureDrop.Net.Crypto;
using SecureDrop.Net.Reviewer.Sessions;

namespace SecureDrop.Net.Reviewer.Items;

/// <summary>
/// Decrypts vault items for a journalist's session. Plaintext is released only after the OpenPGP integrity check
/// passes: it is collected in memory first, and never written to disk on the server.
/// </summary>
internal sealed class ItemReader
{
    /// <summary>Items larger than this are verified in a first pass and streamed in a second, to keep memory flat.</summary>
    public const long InMemoryLimit = 64L * 1024 * 1024;

    private readonly ItemFiles _files;
    private readonly NewsroomKeys _keys;

    public ItemReader(ItemFiles files, NewsroomKeys keys)
    {
        _files = files;
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
            : throw new CryptoException($"The newsroom key {item.NewsroomKey} that this item needs is not available.");
    }
}

internal sealed record DecryptedItem(string FileName, byte[] Content);

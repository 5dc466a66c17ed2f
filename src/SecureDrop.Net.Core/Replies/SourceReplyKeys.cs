using System.Text;
using Dapper;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Crypto;

namespace SecureDrop.Net.Core.Replies;

/// <summary>
/// Sources' reply keys on their rows: the public half in clear (the console encrypts replies to it), the secret
/// half sealed (<see cref="SecretBox"/>) under the codename's second derivation and bound to the source's lookup id,
/// so a sealed key moved to another row does not open. Only someone who knows the codename can unseal it.
/// </summary>
public sealed class SourceReplyKeys
{
    private readonly MetadataDatabase _database;
    private readonly TimeProvider _time;

    public SourceReplyKeys(MetadataDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
    }

    /// <summary>A new reply key for a source being created, and its two halves as stored.</summary>
    public NewReplyKey Create(ReadOnlySpan<byte> wrappingKey, string lookupId)
    {
        var key = SourceReplySecretKey.Generate(_time.GetUtcNow());
        try
        {
            return new NewReplyKey(key, key.PublicKey.ToBinary(), key.Seal(wrappingKey, Binding(lookupId)));
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens a signed-in source's reply key. A source from before reply keys existed has none: it gets one now,
    /// stored unless another sign-in stored one first (then that one is opened). A classic reply key (from before
    /// post-quantum reply keys) gets an ML-KEM-768+X25519 subkey now, so replies from here on withstand a quantum
    /// computer; its classic subkey stays and still opens the replies sent before.
    /// </summary>
    /// <exception cref="CryptoException">When the stored key does not open with this wrapping key.</exception>
    public async Task<SourceReplySecretKey> UnlockOrCreateAsync(string sourceId, string lookupId, byte[] wrappingKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(wrappingKey);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var sealedKey = await connection.ExecuteScalarAsync<byte[]?>(
            "SELECT reply_secret_sealed FROM sources WHERE id = @sourceId", new { sourceId }).ConfigureAwait(false);
        if (sealedKey is not null)
        {
            var key = SourceReplySecretKey.Unseal(wrappingKey, sealedKey, Binding(lookupId));
            return key.PublicKey.IsPostQuantum ? key : await UpgradeAsync(connection, sourceId, lookupId, wrappingKey, key, sealedKey).ConfigureAwait(false);
        }

        var created = Create(wrappingKey, lookupId);
        var stored = await connection.ExecuteAsync(
            "UPDATE sources SET reply_public_key = @PublicKey, reply_secret_sealed = @SealedSecret WHERE id = @sourceId AND reply_secret_sealed IS NULL",
            new { created.PublicKey, created.SealedSecret, sourceId }).ConfigureAwait(false);
        if (stored == 1)
        {
            return created.Key;
        }

        created.Key.Dispose();
        sealedKey = await connection.ExecuteScalarAsync<byte[]?>(
            "SELECT reply_secret_sealed FROM sources WHERE id = @sourceId", new { sourceId }).ConfigureAwait(false);
        return SourceReplySecretKey.Unseal(wrappingKey, sealedKey ?? throw new CryptoException(CryptoFailure.KeyNotAvailable, "The source's reply key is missing."), Binding(lookupId));
    }

    /// <summary>
    /// Stores <paramref name="classic"/> with a post-quantum subkey added, unless another sign-in replaced the sealed
    /// key first (then that one is opened); disposes <paramref name="classic"/>.
    /// </summary>
    private async Task<SourceReplySecretKey> UpgradeAsync(
        System.Data.Common.DbConnection connection, string sourceId, string lookupId, byte[] wrappingKey, SourceReplySecretKey classic, byte[] sealedKey)
    {
        SourceReplySecretKey upgraded;
        using (classic)
        {
            upgraded = classic.WithPostQuantumSubkey(_time.GetUtcNow());
        }

        try
        {
            var stored = await connection.ExecuteAsync(
                "UPDATE sources SET reply_public_key = @PublicKey, reply_secret_sealed = @SealedSecret WHERE id = @sourceId AND reply_secret_sealed = @sealedKey",
                new { PublicKey = upgraded.PublicKey.ToBinary(), SealedSecret = upgraded.Seal(wrappingKey, Binding(lookupId)), sourceId, sealedKey }).ConfigureAwait(false);
            if (stored == 1)
            {
                return upgraded;
            }
        }
        catch
        {
            upgraded.Dispose();
            throw;
        }

        upgraded.Dispose();
        var current = await connection.ExecuteScalarAsync<byte[]?>(
            "SELECT reply_secret_sealed FROM sources WHERE id = @sourceId", new { sourceId }).ConfigureAwait(false);
        return SourceReplySecretKey.Unseal(wrappingKey, current ?? throw new CryptoException(CryptoFailure.KeyNotAvailable, "The source's reply key is missing."), Binding(lookupId));
    }

    /// <summary>Opens the reply key of a source made in the current ingest window (no row yet).</summary>
    /// <exception cref="CryptoException">When the stored key does not open with this wrapping key.</exception>
    public static SourceReplySecretKey UnlockPending(Sources.PendingSource source, byte[] wrappingKey)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(wrappingKey);
        return SourceReplySecretKey.Unseal(wrappingKey, source.ReplySecretSealed, Binding(source.LookupId));
    }

    /// <summary>The public half the console encrypts a reply to, or null for a source that has not signed in since reply keys exist.</summary>
    public async Task<SourceReplyPublicKey?> PublicKeyAsync(string sourceId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var bytes = await connection.ExecuteScalarAsync<byte[]?>(
            "SELECT reply_public_key FROM sources WHERE id = @sourceId", new { sourceId }).ConfigureAwait(false);
        return bytes is null ? null : SourceReplyPublicKey.Parse(bytes);
    }

    private static byte[] Binding(string lookupId) => Encoding.ASCII.GetBytes("sdnet source reply key " + lookupId);
}

/// <summary>A freshly generated reply key (the caller owns and disposes it) with its stored forms.</summary>
public sealed record NewReplyKey(SourceReplySecretKey Key, byte[] PublicKey, byte[] SealedSecret);

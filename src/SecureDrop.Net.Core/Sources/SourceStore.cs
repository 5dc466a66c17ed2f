using System.Data.Common;
using Dapper;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Crypto;

namespace SecureDrop.Net.Core.Sources;

/// <summary>
/// Source rows: an opaque id, the codename's lookup id, and a designation for journalists. The front end makes
/// sources as <see cref="PendingSources"/>; the worker records them here when their ingest window closes.
/// </summary>
public sealed class SourceStore
{
    private const int DesignationAttempts = 20;
    private readonly MetadataDatabase _database;
    private readonly TimeProvider _time;

    public SourceStore(MetadataDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
    }

    /// <summary>Creates a source row at once (tests, and sources from before ingest windows); returns its id.</summary>
    public async Task<string> CreateAsync(string lookupId, CancellationToken cancellationToken = default) =>
        await CreateAsync(lookupId, null, null, cancellationToken).ConfigureAwait(false);

    /// <summary>As the other overload, with its reply key's stored halves (see <see cref="Replies.SourceReplyKeys.Create"/>).</summary>
    public async Task<string> CreateAsync(string lookupId, byte[]? replyPublicKey, byte[]? replySecretSealed, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var id = await InsertAsync(connection, transaction, new PendingSource(Ids.New(), lookupId, replyPublicKey ?? [], replySecretSealed ?? []), CoarseTime.Today(_time)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <summary>
    /// Inserts a source with a designation no other source has, and returns its id; when a source with the same lookup
    /// id exists (the same /generate ticket twice, or a run repeated after a crash), returns that one's id instead.
    /// </summary>
    public static async Task<string> InsertAsync(DbConnection connection, DbTransaction transaction, PendingSource source, string day)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(source);
        var existing = await connection.ExecuteScalarAsync<string?>(
            "SELECT id FROM sources WHERE lookup_id = @LookupId", new { source.LookupId }, transaction).ConfigureAwait(false);
        if (existing is not null)
        {
            return existing;
        }

        var designation = Designation.Generate();
        for (var attempt = 0; attempt < DesignationAttempts; attempt++)
        {
            var taken = await connection.ExecuteScalarAsync<long>(
                "SELECT count(*) FROM sources WHERE designation = @designation", new { designation }, transaction).ConfigureAwait(false);
            if (taken == 0)
            {
                break;
            }

            designation = Designation.Generate();
        }

        await connection.ExecuteAsync(
            """
            INSERT INTO sources (id, lookup_id, designation, created_day, last_activity_day, reply_public_key, reply_secret_sealed)
            VALUES (@Id, @LookupId, @designation, @day, @day, @publicKey, @sealedSecret)
            """,
            new
            {
                source.Id,
                source.LookupId,
                designation,
                day,
                publicKey = source.ReplyPublicKey.Length == 0 ? null : source.ReplyPublicKey,
                sealedSecret = source.ReplySecretSealed.Length == 0 ? null : source.ReplySecretSealed,
            },
            transaction).ConfigureAwait(false);
        return source.Id;
    }

    public async Task<string?> FindIdByLookupAsync(string lookupId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<string?>(
            "SELECT id FROM sources WHERE lookup_id = @lookupId", new { lookupId }).ConfigureAwait(false);
    }
}

using Dapper;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Crypto;

namespace SecureDrop.Net.Core.Sources;

/// <summary>Source rows: an opaque id, the codename's lookup id, and a designation for journalists.</summary>
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

    /// <summary>Creates a source; pass its reply key's stored halves (see <see cref="Replies.SourceReplyKeys.Create"/>).</summary>
    public async Task<string> CreateAsync(string lookupId, CancellationToken cancellationToken = default) =>
        await CreateAsync(lookupId, null, null, cancellationToken).ConfigureAwait(false);

    public async Task<string> CreateAsync(string lookupId, byte[]? replyPublicKey, byte[]? replySecretSealed, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var designation = Designation.Generate();
        for (var attempt = 0; attempt < DesignationAttempts; attempt++)
        {
            var taken = await connection.ExecuteScalarAsync<long>(
                "SELECT count(*) FROM sources WHERE designation = @designation", new { designation }).ConfigureAwait(false);
            if (taken == 0)
            {
                break;
            }

            designation = Designation.Generate();
        }

        var id = Ids.New();
        var day = CoarseTime.Today(_time);
        await connection.ExecuteAsync(
            """
            INSERT INTO sources (id, lookup_id, designation, created_day, last_activity_day, reply_public_key, reply_secret_sealed)
            VALUES (@id, @lookupId, @designation, @day, @day, @replyPublicKey, @replySecretSealed)
            """,
            new { id, lookupId, designation, day, replyPublicKey, replySecretSealed }).ConfigureAwait(false);
        return id;
    }

    public async Task<string?> FindIdByLookupAsync(string lookupId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<string?>(
            "SELECT id FROM sources WHERE lookup_id = @lookupId", new { lookupId }).ConfigureAwait(false);
    }
}

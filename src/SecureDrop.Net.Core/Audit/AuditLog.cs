using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using SecureDrop.Net.Core.Data;

namespace SecureDrop.Net.Core.Audit;

/// <summary>
/// What journalists and admins did (sign-ins, failed sign-ins, views, downloads, deletions, account and setting
/// changes), never what sources did. Each entry carries SHA-256(previous hash ‖ its own fields), so editing,
/// deleting or reordering an entry breaks the chain at that point and <see cref="VerifyAsync"/> says where.
/// </summary>
public sealed class AuditLog
{
    private const int MaxAttempts = 5;
    private readonly MetadataDatabase _database;
    private readonly TimeProvider _time;

    public AuditLog(MetadataDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
    }

    public async Task RecordAsync(string? actorId, string action, string? subject = null, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await AppendAsync(actorId, action, subject, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (DbException) when (attempt < MaxAttempts)
            {
                // Two entries raced for the same position; the loser appends after the winner.
                await Task.Delay(TimeSpan.FromMilliseconds(10 * attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async Task<IReadOnlyList<AuditEntry>> RecentAsync(int count, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await connection.QueryAsync<AuditEntry>(
            Select + " ORDER BY position DESC LIMIT @count", new { count }).ConfigureAwait(false)).AsList();
    }

    /// <summary>Walks the whole chain from the first entry; the result names the first entry that does not fit.</summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var previous = new byte[32];
        long expected = 1;
        foreach (var entry in await connection.QueryAsync<AuditEntry>(Select + " ORDER BY position").ConfigureAwait(false))
        {
            if (entry.Position != expected)
            {
                return AuditVerification.Broken(expected, $"entry {expected} is missing");
            }

            if (!CryptographicOperations.FixedTimeEquals(entry.PreviousHash, previous)
                || !CryptographicOperations.FixedTimeEquals(entry.Hash, Hash(previous, entry.Position, entry.At, entry.ActorId, entry.Action, entry.Subject)))
            {
                return AuditVerification.Broken(entry.Position, $"entry {entry.Position} was altered, moved, or follows a removed entry");
            }

            previous = entry.Hash;
            expected++;
        }

        return new AuditVerification(true, expected - 1, null, null);
    }

    private async Task AppendAsync(string? actorId, string action, string? subject, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var last = await connection.QuerySingleOrDefaultAsync<AuditEntry>(
            Select + " ORDER BY position DESC LIMIT 1", transaction: transaction).ConfigureAwait(false);
        var position = (last?.Position ?? 0) + 1;
        var previous = last?.Hash ?? new byte[32];
        var at = _time.GetUtcNow().ToString("o", CultureInfo.InvariantCulture);
        await connection.ExecuteAsync(
            """
            INSERT INTO audit_events (position, at, actor_id, action, subject, previous_hash, hash)
            VALUES (@position, @at, @actorId, @action, @subject, @previous, @hash)
            """,
            new { position, at, actorId, action, subject, previous, hash = Hash(previous, position, at, actorId, action, subject) },
            transaction).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static byte[] Hash(byte[] previous, long position, string at, string? actorId, string action, string? subject)
    {
        // Length-prefixed fields, so no two different entries serialise to the same bytes.
        var fields = string.Join('\u001f', new[] { position.ToString(CultureInfo.InvariantCulture), at, actorId ?? "", action, subject ?? "" }
            .Select(field => field.Length.ToString(CultureInfo.InvariantCulture) + ":" + field));
        return SHA256.HashData([.. previous, .. Encoding.UTF8.GetBytes(fields)]);
    }

    private const string Select =
        "SELECT position AS Position, at AS At, actor_id AS ActorId, action AS Action, subject AS Subject, previous_hash AS PreviousHash, hash AS Hash FROM audit_events";
}

public sealed class AuditEntry
{
    public long Position { get; set; }

    public string At { get; set; } = "";

    public string? ActorId { get; set; }

    public string Action { get; set; } = "";

    public string? Subject { get; set; }

    public byte[] PreviousHash { get; set; } = [];

    public byte[] Hash { get; set; } = [];
}

public sealed record AuditVerification(bool Intact, long Entries, long? FirstBadPosition, string? Problem)
{
    public static AuditVerification Broken(long position, string problem) => new(false, 0, position, problem);
}

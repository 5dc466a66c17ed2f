using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using SecureDrop.Net.Core.Data;

namespace SecureDrop.Net.Vault.Audit;

/// <summary>
/// What journalists and admins did (sign-ins, failed sign-ins, views, downloads, deletions, account and setting
/// changes), never what sources did. Each entry carries SHA-256(previous hash ‖ its own fields), so editing,
/// deleting or reordering an entry breaks the chain at that point and <see cref="VerifyAsync"/> says where.
/// The chain alone cannot show its newest entries cut off, or the whole chain rewritten by someone who controls the
/// database: so the head (position and hash) is also written to <c>audit-head</c> in the data directory, outside
/// the database, and verification compares the two. An operator can copy that file elsewhere for a stronger anchor.
/// </summary>
public sealed class AuditLog
{
    private const int MaxAttempts = 5;
    private static readonly Lock AnchorLock = new();
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
                var (position, hash) = await AppendAsync(actorId, action, subject, cancellationToken).ConfigureAwait(false);
                Anchor(position, hash);
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
        var anchor = ReadAnchor();
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

            if (anchor is { } head && head.Position == entry.Position && !CryptographicOperations.FixedTimeEquals(head.Hash, entry.Hash))
            {
                return AuditVerification.Broken(entry.Position, $"entry {entry.Position} differs from the head anchored outside the database: the chain was rewritten");
            }

            previous = entry.Hash;
            expected++;
        }

        if (anchor is { } last && last.Position > expected - 1)
        {
            return AuditVerification.Broken(expected, $"entries {expected} to {last.Position} were removed: the head anchored outside the database is entry {last.Position}");
        }

        return new AuditVerification(true, expected - 1, null, null);
    }

    private string AnchorPath => Path.Combine(_database.Data.Root, "audit-head");

    /// <summary>Records the newest head in the anchor file (atomically, owner-only); an older head never replaces a newer one.</summary>
    private void Anchor(long position, byte[] hash)
    {
        lock (AnchorLock)
        {
            try
            {
                if (ReadAnchor() is { } current && current.Position >= position)
                {
                    return;
                }

                // Written aside and renamed over, so a reader never sees half a head. Not flushed: after a crash the
                // anchor may be a little behind the database, which verification accepts; only an anchor ahead of
                // the database or differing from it is tampering.
                var temporary = AnchorPath + "." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) + ".tmp";
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                using (var stream = new FileStream(temporary, options))
                {
                    DataDirectory.FitToLayout(stream.SafeFileHandle, temporary, LayoutSharing.None);
                    stream.Write(Encoding.ASCII.GetBytes($"{position.ToString(CultureInfo.InvariantCulture)} {Convert.ToHexStringLower(hash)}\n"));
                }

                File.Move(temporary, AnchorPath, overwrite: true);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // A process without write access to the data directory (an operator's shell) leaves the anchor
                // behind the database; verification only complains when the anchor is ahead of or differs from it.
            }
        }
    }

    private (long Position, byte[] Hash)? ReadAnchor()
    {
        if (!File.Exists(AnchorPath))
        {
            return null;
        }

        var parts = File.ReadAllText(AnchorPath).Trim().Split(' ');
        return parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var position)
            ? (position, Convert.FromHexString(parts[1]))
            : (long.MaxValue, []);
    }

    private async Task<(long Position, byte[] Hash)> AppendAsync(string? actorId, string action, string? subject, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var last = await connection.QuerySingleOrDefaultAsync<AuditEntry>(
            Select + " ORDER BY position DESC LIMIT 1", transaction: transaction).ConfigureAwait(false);
        var position = (last?.Position ?? 0) + 1;
        var previous = last?.Hash ?? new byte[32];
        var at = _time.GetUtcNow().ToString("o", CultureInfo.InvariantCulture);
        var hash = Hash(previous, position, at, actorId, action, subject);
        await connection.ExecuteAsync(
            """
            INSERT INTO audit_events (position, at, actor_id, action, subject, previous_hash, hash)
            VALUES (@position, @at, @actorId, @action, @subject, @previous, @hash)
            """,
            new { position, at, actorId, action, subject, previous, hash },
            transaction).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (position, hash);
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

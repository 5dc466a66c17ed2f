using Dapper;
using SecureDrop.Net.Core.Data;

namespace SecureDrop.Net.Custody.Journalists;

/// <summary>Journalist accounts. Only the console and sdnet use this; the front end never touches it.</summary>
public sealed class JournalistStore
{
    private readonly MetadataDatabase _database;
    private readonly TimeProvider _time;

    public JournalistStore(MetadataDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
    }

    public async Task AddAsync(string id, string username, bool isAdmin, JournalistSecrets secrets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(
            """
            INSERT INTO journalists (id, username, is_admin, kdf_salt, verifier, wrapped_vault_key, created_day)
            VALUES (@id, @username, @isAdmin, @salt, @verifier, @wrapped, @day)
            """,
            new { id, username, isAdmin, salt = secrets.Salt, verifier = secrets.Verifier, wrapped = secrets.WrappedVaultKey, day = CoarseTime.Today(_time) }).ConfigureAwait(false);
    }

    /// <summary>Where this journalist's notices go, and the OpenPGP key they are encrypted to (null: none).</summary>
    public async Task SetNotificationAddressAsync(string id, string? email, string? armoredPublicKey, CancellationToken cancellationToken = default)
    {
        if (armoredPublicKey is not null)
        {
            // Refuses keys that cannot encrypt (no valid encryption subkey, expired, revoked, weak) before storing.
            _ = Crypto.NewsroomPublicKey.Parse(System.Text.Encoding.ASCII.GetBytes(armoredPublicKey));
        }

        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(
            "UPDATE journalists SET notify_email = @email, notify_public_key = @armoredPublicKey WHERE id = @id",
            new { id, email, armoredPublicKey }).ConfigureAwait(false);
    }

    /// <summary>Counts a failed sign-in; the account locks (until an admin unlocks it) at <paramref name="lockAt"/> in a row.</summary>
    public async Task RecordFailedAttemptAsync(string id, int lockAt, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(
            "UPDATE journalists SET failed_attempts = failed_attempts + 1, locked = (failed_attempts + 1 >= @lockAt OR locked) WHERE id = @id",
            new { id, lockAt }).ConfigureAwait(false);
    }

    public async Task ResetFailedAttemptsAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("UPDATE journalists SET failed_attempts = 0 WHERE id = @id", new { id }).ConfigureAwait(false);
    }

    public async Task EnrolTotpAsync(string id, byte[] sealedSecret, long step, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(
            "UPDATE journalists SET totp_secret_sealed = @sealedSecret, totp_last_step = @step WHERE id = @id",
            new { id, sealedSecret, step }).ConfigureAwait(false);
    }

    /// <summary>Claims a TOTP step for a sign-in; false when it (or a later one) was used already: a replayed code.</summary>
    public async Task<bool> ClaimTotpStepAsync(string id, long step, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(
            "UPDATE journalists SET totp_last_step = @step WHERE id = @id AND totp_last_step < @step",
            new { id, step }).ConfigureAwait(false) == 1;
    }

    public async Task<IReadOnlyList<JournalistListing>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await connection.QueryAsync<JournalistListing>(
            """
            SELECT id AS Id, username AS Username, is_admin AS IsAdmin, locked AS Locked, disabled AS Disabled,
                   totp_secret_sealed IS NOT NULL AS TotpEnrolled, created_day AS CreatedDay
            FROM journalists ORDER BY username
            """).ConfigureAwait(false)).AsList();
    }

    public Task SetDisabledAsync(string id, bool disabled, CancellationToken cancellationToken = default) =>
        UpdateAsync("UPDATE journalists SET disabled = @disabled WHERE id = @id", new { id, disabled }, cancellationToken);

    public Task UnlockAsync(string id, CancellationToken cancellationToken = default) =>
        UpdateAsync("UPDATE journalists SET locked = @locked, failed_attempts = 0 WHERE id = @id", new { id, locked = false }, cancellationToken);

    /// <summary>Forgets the authenticator: the journalist enrols a new one at their next sign-in.</summary>
    public Task ResetTotpAsync(string id, CancellationToken cancellationToken = default) =>
        UpdateAsync("UPDATE journalists SET totp_secret_sealed = NULL, totp_last_step = 0 WHERE id = @id", new { id }, cancellationToken);

    /// <summary>Replaces the passphrase: new salt, verifier and copy of the vault key wrapped under it.</summary>
    public Task ResetPassphraseAsync(string id, JournalistSecrets secrets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        return UpdateAsync(
            "UPDATE journalists SET kdf_salt = @salt, verifier = @verifier, wrapped_vault_key = @wrapped, failed_attempts = 0, locked = @locked WHERE id = @id",
            new { id, salt = secrets.Salt, verifier = secrets.Verifier, wrapped = secrets.WrappedVaultKey, locked = false },
            cancellationToken);
    }

    private async Task UpdateAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(sql, parameters).ConfigureAwait(false);
    }

    public async Task<JournalistAccount?> FindByUsernameAsync(string username, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<AccountRow>(
            """
            SELECT id AS Id, username AS Username, is_admin AS IsAdmin, kdf_salt AS Salt, verifier AS Verifier,
                   wrapped_vault_key AS WrappedVaultKey, totp_secret_sealed AS TotpSecretSealed, totp_last_step AS TotpLastStep,
                   failed_attempts AS FailedAttempts, locked AS Locked, disabled AS Disabled,
                   notify_email AS NotifyEmail, notify_public_key AS NotifyPublicKey
            FROM journalists WHERE username = @username
            """,
            new { username }).ConfigureAwait(false);
        return row is null
            ? null
            : new JournalistAccount(row.Id, row.Username, row.IsAdmin, new JournalistSecrets(row.Salt, row.Verifier, row.WrappedVaultKey))
            {
                TotpSecretSealed = row.TotpSecretSealed,
                TotpLastStep = row.TotpLastStep,
                FailedAttempts = row.FailedAttempts,
                Locked = row.Locked,
                Disabled = row.Disabled,
                NotifyEmail = row.NotifyEmail,
                NotifyPublicKey = row.NotifyPublicKey,
            };
    }

    private sealed class AccountRow
    {
        public string Id { get; set; } = "";

        public string Username { get; set; } = "";

        public bool IsAdmin { get; set; }

        public byte[] Salt { get; set; } = [];

        public byte[] Verifier { get; set; } = [];

        public byte[] WrappedVaultKey { get; set; } = [];

        public byte[]? TotpSecretSealed { get; set; }

        public long TotpLastStep { get; set; }

        public int FailedAttempts { get; set; }

        public bool Locked { get; set; }

        public bool Disabled { get; set; }

        public string? NotifyEmail { get; set; }

        public string? NotifyPublicKey { get; set; }
    }
}

public sealed class JournalistListing
{
    public string Id { get; set; } = "";

    public string Username { get; set; } = "";

    public bool IsAdmin { get; set; }

    public bool Locked { get; set; }

    public bool Disabled { get; set; }

    public bool TotpEnrolled { get; set; }

    public string CreatedDay { get; set; } = "";
}

public sealed record JournalistAccount(string Id, string Username, bool IsAdmin, JournalistSecrets Secrets)
{
    public byte[]? TotpSecretSealed { get; init; }

    public long TotpLastStep { get; init; }

    public int FailedAttempts { get; init; }

    public bool Locked { get; init; }

    public bool Disabled { get; init; }

    public string? NotifyEmail { get; init; }

    public string? NotifyPublicKey { get; init; }
}

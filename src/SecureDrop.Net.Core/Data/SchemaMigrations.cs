using Dapper;

namespace SecureDrop.Net.Core.Data;

/// <summary>
/// Which schema this build expects. The migrations themselves (FluentMigrator, the same for SQLite and PostgreSQL)
/// live in SecureDrop.Net.Vault (<c>MetadataSchema</c>) and only init and 'sdnet migrate' apply them; every service
/// checks here at start and refuses a schema that is behind or ahead of the build.
/// </summary>
public static class SchemaMigrations
{
    /// <summary>The newest migration this build knows.</summary>
    /// <remarks>A new migration in SecureDrop.Net.Vault/Data/Migrations raises it; a test holds the two together.</remarks>
    public const long CurrentVersion = 9;

    /// <summary>The newest applied migration, or 0 for an empty database.</summary>
    /// <remarks>
    /// Read from FluentMigrator's version table with one query rather than through its runner: every service
    /// checks the schema at start, and the runner (its own service container, a scan of this assembly for
    /// migrations, the processors of both stores) stayed loaded in the front end for good, several MiB of types
    /// and code that the front end's memory target (benchmarks/RESULTS.md) has no room for.
    /// </remarks>
    public static long AppliedVersion(MetadataDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        using var connection = database.CreateConnection();
        connection.Open();
        var exists = database.Provider == DatabaseProvider.PostgreSql
            ? connection.ExecuteScalar<bool>($"SELECT to_regclass('\"{VersionTable}\"') IS NOT NULL")
            : connection.ExecuteScalar<long>($"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{VersionTable}'") > 0;
        return exists ? connection.ExecuteScalar<long?>($"SELECT MAX(\"Version\") FROM \"{VersionTable}\"") ?? 0 : 0;
    }

    // FluentMigrator's default version table, in the connection's default schema.
    private const string VersionTable = "VersionInfo";

    public static void EnsureCurrent(MetadataDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        var applied = AppliedVersion(database);
        if (applied < CurrentVersion)
        {
            throw new DataDirectoryException(
                $"The metadata database is at schema version {applied}, older than this build's {CurrentVersion}. Back it up, then run: sdnet migrate --data {database.Data.Root}");
        }

        if (applied > CurrentVersion)
        {
            throw new DataDirectoryException(
                $"The metadata database is at schema version {applied}, newer than this build's {CurrentVersion}. Run the sdnet release that migrated it.");
        }
    }
}

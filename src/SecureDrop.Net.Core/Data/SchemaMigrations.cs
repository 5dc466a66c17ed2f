using FluentMigrator.Runner;
using FluentMigrator.Runner.VersionTableInfo;
using Microsoft.Extensions.DependencyInjection;

namespace SecureDrop.Net.Core.Data;

/// <summary>
/// Schema changes through FluentMigrator, the same migrations for SQLite and PostgreSQL. Only init and
/// 'sdnet migrate' apply them; the services refuse to start on a schema that is behind or ahead of the build.
/// </summary>
public static class SchemaMigrations
{
    /// <summary>The newest migration this build knows.</summary>
    public const long CurrentVersion = 8;

    public static void MigrateUp(MetadataDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        using var services = Runner(database);
        using var scope = services.CreateScope();
        scope.ServiceProvider.GetRequiredService<IMigrationRunner>().MigrateUp();
    }

    /// <summary>The newest applied migration, or 0 for an empty database.</summary>
    public static long AppliedVersion(MetadataDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        using var services = Runner(database);
        using var scope = services.CreateScope();
        var loader = scope.ServiceProvider.GetRequiredService<IVersionLoader>();
        loader.LoadVersionInfo();
        return loader.VersionInfo.Latest();
    }

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

    private static ServiceProvider Runner(MetadataDatabase database) =>
        new ServiceCollection()
            .AddFluentMigratorCore()
            .ConfigureRunner(runner =>
            {
                _ = database.Provider == DatabaseProvider.PostgreSql ? runner.AddPostgres() : runner.AddSQLite();
                runner.WithGlobalConnectionString(database.ConnectionString)
                    .ScanIn(typeof(SchemaMigrations).Assembly).For.Migrations();
            })
            .BuildServiceProvider(validateScopes: false);
}

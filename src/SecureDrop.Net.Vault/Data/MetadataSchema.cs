using Dapper;
using FluentMigrator.Runner;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SecureDrop.Net.Core.Data;

namespace SecureDrop.Net.Vault.Data;

/// <summary>
/// Creates the metadata store and applies schema changes through FluentMigrator, the same migrations for SQLite
/// and PostgreSQL (Data/Migrations). Only init and 'sdnet migrate' run it; services only check the version
/// (<see cref="SchemaMigrations.EnsureCurrent"/>), so the front end never loads FluentMigrator.
/// </summary>
public static class MetadataSchema
{
    /// <summary>Creates the store of a new instance: the SQLite file (owner-only) or the schema in PostgreSQL.</summary>
    public static void Create(DataDirectory data, IOptions<DatabaseOptions>? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var database = new MetadataDatabase(data, options);
        if (database.Provider == DatabaseProvider.PostgreSql && SchemaMigrations.AppliedVersion(database) > 0)
        {
            throw new DataDirectoryException("The PostgreSQL database in Database__PostgreSql already holds an instance. Give a new instance an empty database.");
        }

        if (database.Provider == DatabaseProvider.Sqlite)
        {
            DataDirectory.CreateOwnerOnlyEmptyFile(data.MetadataDatabase);
            using var connection = new SqliteConnection(database.ConnectionString);
            connection.Open();
            connection.Execute("PRAGMA journal_mode = WAL;");
        }

        MigrateUp(database);
        database.RecordProvider();
    }

    public static void MigrateUp(MetadataDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        using var services = Runner(database);
        using var scope = services.CreateScope();
        scope.ServiceProvider.GetRequiredService<IMigrationRunner>().MigrateUp();
    }

    private static ServiceProvider Runner(MetadataDatabase database) =>
        new ServiceCollection()
            .AddFluentMigratorCore()
            .ConfigureRunner(runner =>
            {
                _ = database.Provider == DatabaseProvider.PostgreSql ? runner.AddPostgres() : runner.AddSQLite();
                runner.WithGlobalConnectionString(database.ConnectionString)
                    .ScanIn(typeof(MetadataSchema).Assembly).For.Migrations();
            })
            .BuildServiceProvider(validateScopes: false);
}

using System.CommandLine;
using SecureDrop.Net.Core;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Vault.Data;

namespace SecureDrop.Net.Cli.Migrate;

/// <summary>sdnet migrate: brings the metadata schema up to this build's version (back up first).</summary>
internal static class MigrateCommand
{
    public static Command Create()
    {
        var data = Sdnet.DataOption();
        var command = new Command("migrate", "Apply this build's schema migrations to the instance's metadata database.") { data };
        command.SetAction((parse, _) => Sdnet.GuardAsync(parse, async output =>
        {
            var directory = DataDirectory.Open(parse.GetRequiredValue(data).FullName);
            var database = new MetadataDatabase(directory, CoreServices.DatabaseOptionsFrom(CoreServices.EnvironmentConfiguration()));
            database.CheckProvider();
            var before = SchemaMigrations.AppliedVersion(database);
            if (before > SchemaMigrations.CurrentVersion)
            {
                throw new DataDirectoryException($"The schema is at version {before}, newer than this build's {SchemaMigrations.CurrentVersion}; nothing was changed.");
            }

            MetadataSchema.MigrateUp(database);
            Core.Jobs.HangfireStorage.Migrate(database);
            await DatabaseRoles.ApplyAsync(database);
            await output.WriteLineAsync(before == SchemaMigrations.CurrentVersion
                ? $"The schema is already at version {before}; nothing to do."
                : $"Migrated the schema from version {before} to {SchemaMigrations.CurrentVersion}.");
            return Sdnet.Success;
        }));
        return command;
    }
}

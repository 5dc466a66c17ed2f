namespace SecureDrop.Net.Core.Tests;

public sealed class SchemaTests
{
    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.PostgreSql)]
    public async Task NewInstance_IsAtThisBuildsSchemaVersion(Store store)
    {
        using var instance = await TestInstance.CreateAsync(store);

        Assert.Equal(SchemaMigrations.CurrentVersion, SchemaMigrations.AppliedVersion(instance.Database));
        await instance.Database.CheckSchemaAsync();
    }

    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.PostgreSql)]
    public async Task SchemaNewerThanTheBuild_IsRefusedAtStart(Store store)
    {
        using var instance = await TestInstance.CreateAsync(store);
        await instance.ExecuteSqlAsync("""INSERT INTO "VersionInfo" ("Version", "AppliedOn", "Description") VALUES (999, CURRENT_TIMESTAMP, 'from the future')""");

        var error = await Assert.ThrowsAsync<DataDirectoryException>(() => instance.Database.CheckSchemaAsync());
        Assert.Contains("newer than this build", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.PostgreSql)]
    public async Task SchemaOlderThanTheBuild_IsRefusedAtStart_WithTheMigrateCommand(Store store)
    {
        using var instance = await TestInstance.CreateAsync(store);
        await instance.ExecuteSqlAsync($"""DELETE FROM "VersionInfo" WHERE "Version" = {SchemaMigrations.CurrentVersion}""");

        var error = await Assert.ThrowsAsync<DataDirectoryException>(() => instance.Database.CheckSchemaAsync());
        Assert.Equal(SchemaMigrations.CurrentVersion - 1, SchemaMigrations.AppliedVersion(instance.Database));
        Assert.Contains("older than this build", error.Message, StringComparison.Ordinal);
        Assert.Contains("sdnet migrate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostgreSqlInstance_StartedWithoutItsConnectionString_IsRefused()
    {
        using var instance = await TestInstance.CreateAsync(Store.PostgreSql);

        var error = await Assert.ThrowsAsync<DataDirectoryException>(() => new MetadataDatabase(instance.Data).CheckSchemaAsync());
        Assert.Contains("Database__PostgreSql", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SqliteInstance_StartedWithAPostgreSqlConnectionString_IsRefused()
    {
        using var instance = await TestInstance.CreateAsync(Store.Sqlite);
        var options = Microsoft.Extensions.Options.Options.Create(new DatabaseOptions { PostgreSql = "Host=127.0.0.1;Database=elsewhere" });

        var error = await Assert.ThrowsAsync<DataDirectoryException>(() => new MetadataDatabase(instance.Data, options).CheckSchemaAsync());
        Assert.Contains("unset Database__PostgreSql", error.Message, StringComparison.Ordinal);
    }
}

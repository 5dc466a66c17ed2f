using Npgsql;

namespace SecureDrop.Net.Testing;

/// <summary>
/// The throwaway PostgreSQL cluster that ./test.sh starts (ops/dev/postgres.sh) and names in SDNET_TEST_POSTGRES.
/// Each test gets a database of its own, dropped at the end.
/// </summary>
public static class TestPostgres
{
    public const string Variable = "SDNET_TEST_POSTGRES";

    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable(Variable)
        ?? throw new InvalidOperationException(
            $"This test needs PostgreSQL, named by {Variable}. Run ./test.sh, which starts a throwaway cluster with ops/dev/postgres.sh, or export {Variable}=\"$(ops/dev/postgres.sh start)\".");

    public static async Task<string> CreateDatabaseAsync()
    {
        var name = "sdnet_test_" + Guid.NewGuid().ToString("N")[..16];
        await using (var admin = new NpgsqlConnection(AdminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ToString();
    }

    public static void DropDatabase(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        using var admin = new NpgsqlConnection(AdminConnectionString);
        admin.Open();
        using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin);
        drop.ExecuteNonQuery();
    }
}

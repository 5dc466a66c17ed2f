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

    /// <summary>pg_dump of a whole database (every schema, Hangfire's included) into a plain SQL file.</summary>
    public static async Task DumpAsync(string connectionString, string outputFile)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new System.Diagnostics.ProcessStartInfo("/usr/lib/postgresql/15/bin/pg_dump",
            ["--host", builder.Host!, "--port", builder.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--username", builder.Username!, "--file", outputFile, builder.Database!])
        {
            UseShellExecute = false,
            RedirectStandardError = true,
        };
        start.Environment["PGPASSWORD"] = builder.Password;
        using var process = System.Diagnostics.Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("pg_dump failed: " + error);
        }
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

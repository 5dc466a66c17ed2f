using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace SecureDrop.Net.Cli.Backup;

/// <summary>
/// pg_dump and pg_restore, the PostgreSQL client tools (Debian: postgresql-client), found on PATH. The connection
/// goes through PG* environment variables, so the password never appears in a process listing.
/// </summary>
internal static class PostgresTools
{
    /// <summary>A consistent snapshot of the whole database (every schema, Hangfire's too) in pg_dump's custom format.</summary>
    public static Task DumpAsync(string connectionString, string outputFile, CancellationToken cancellationToken) =>
        RunAsync("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", "--file", outputFile], connectionString, cancellationToken);

    /// <summary>Reads a dump's table of contents: proof that pg_restore can parse it.</summary>
    public static Task<string> ListAsync(string dumpFile, CancellationToken cancellationToken) =>
        RunAsync("pg_restore", ["--list", dumpFile], null, cancellationToken);

    /// <summary>Restores a dump into the (empty) database of the connection string, all or nothing.</summary>
    public static Task RestoreAsync(string connectionString, string dumpFile, CancellationToken cancellationToken) =>
        RunAsync("pg_restore", ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", "--dbname", Builder(connectionString).Database!, dumpFile], connectionString, cancellationToken);

    private static NpgsqlConnectionStringBuilder Builder(string connectionString) => new(connectionString);

    private static async Task<string> RunAsync(string tool, IReadOnlyList<string> arguments, string? connectionString, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(tool)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (connectionString is not null)
        {
            var builder = Builder(connectionString);
            start.Environment["PGHOST"] = builder.Host;
            start.Environment["PGPORT"] = builder.Port.ToString(CultureInfo.InvariantCulture);
            start.Environment["PGUSER"] = builder.Username;
            start.Environment["PGPASSWORD"] = builder.Password;
            start.Environment["PGDATABASE"] = builder.Database;
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new IOException($"Could not start {tool}.");
        }
        catch (Win32Exception exception)
        {
            throw new IOException($"{tool} was not found on PATH. Install the PostgreSQL client tools (apt-get install postgresql-client).", exception);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0)
            {
                var reason = (await error).Trim();
                throw new IOException($"{tool} failed (exit code {process.ExitCode}): {(reason.Length > 400 ? reason[..400] : reason)}");
            }

            return await output;
        }
    }
}

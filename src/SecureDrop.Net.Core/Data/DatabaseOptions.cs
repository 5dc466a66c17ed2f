using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Npgsql;

namespace SecureDrop.Net.Core.Data;

/// <summary>
/// Where metadata lives: SQLite in the data directory by default, or PostgreSQL when
/// <c>Database:PostgreSql</c> (environment: <c>Database__PostgreSql</c>) holds a connection string.
/// Connection strings carry passwords, so they come from the environment or a settings file, never arguments.
/// </summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public string? PostgreSql { get; set; }
}

public enum DatabaseProvider
{
    Sqlite,
    PostgreSql,
}

/// <summary>
/// Checks <see cref="DatabaseOptions"/> at start (every host validates it on start, the CLI before a command uses
/// it): a connection string that does not parse or names no server, and a setting under <c>Database</c> that does
/// not exist (a misspelt <c>Database__Postgres</c> would otherwise leave the process on SQLite), each named with its
/// environment variable and the fix. The connection string itself is never repeated: it holds a password.
/// </summary>
public sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
{
    private const string Example = "Host=HOST;Port=5432;Database=NAME;Username=USER;Password=PASSWORD";
    private readonly IConfiguration? _section;

    /// <param name="section">The <c>Database</c> section, to find settings that do not exist; null to skip that.</param>
    public DatabaseOptionsValidator(IConfiguration? section = null)
    {
        _section = section;
    }

    public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        foreach (var child in _section?.GetChildren() ?? [])
        {
            if (!string.Equals(child.Key, nameof(DatabaseOptions.PostgreSql), StringComparison.OrdinalIgnoreCase))
            {
                failures.Add($"{DatabaseOptions.Section}:{child.Key} (environment {DatabaseOptions.Section}__{child.Key}) is not a setting. "
                    + $"The one database setting is {DatabaseOptions.Section}__PostgreSql, a PostgreSQL connection string; leave it unset for SQLite in the data directory.");
            }
        }

        if (options.PostgreSql is { } connectionString && !string.IsNullOrWhiteSpace(connectionString)
            && PostgreSqlProblem(connectionString) is { } problem)
        {
            failures.Add($"{DatabaseOptions.Section}:PostgreSql (environment {DatabaseOptions.Section}__PostgreSql) {problem} "
                + $"Set it to a connection string such as {Example}, or unset it to keep metadata in SQLite in the data directory.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // Its own method, never inlined: a process on SQLite never loads Npgsql (see MetadataDatabase).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string? PostgreSqlProblem(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            // Npgsql's message names the keyword at fault, never a value.
            return $"is not a PostgreSQL connection string Npgsql can read ({exception.Message.Split('\n')[0].Trim()}).";
        }

        return string.IsNullOrWhiteSpace(builder.Host) ? "names no server: it has no Host." : null;
    }
}

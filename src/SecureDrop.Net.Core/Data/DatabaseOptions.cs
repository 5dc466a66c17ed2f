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

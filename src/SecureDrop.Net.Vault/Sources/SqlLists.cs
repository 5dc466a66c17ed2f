using SecureDrop.Net.Core.Data;

namespace SecureDrop.Net.Vault.Sources;

/// <summary>
/// "column is one of these values" for both stores: Dapper expands <c>IN @list</c> into parameters on SQLite,
/// while Npgsql sends the array whole, which PostgreSQL reads as <c>= ANY(@list)</c>.
/// </summary>
internal static class SqlLists
{
    public static string IsAnyOf(this MetadataDatabase database, string column, string parameter) =>
        database.Provider == DatabaseProvider.PostgreSql ? $"{column} = ANY(@{parameter})" : $"{column} IN @{parameter}";
}

using SecureDrop.Net.Core;
using SecureDrop.Net.Core.Data;

namespace SecureDrop.Net.Cli.Unlock;

/// <summary>An instance opened by a command: its data directory and metadata database, schema checked.</summary>
internal sealed record Instance(DataDirectory Data, MetadataDatabase Database)
{
    public static async Task<Instance> OpenAsync(DirectoryInfo path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var data = DataDirectory.Open(path.FullName);
        var database = new MetadataDatabase(data, CoreServices.DatabaseOptionsFrom(CoreServices.EnvironmentConfiguration()));
        await database.CheckSchemaAsync();
        return new Instance(data, database);
    }
}

using Microsoft.Extensions.Hosting;

namespace SecureDrop.Net.Core.Data;

/// <summary>Stops a service at start when its settings or the schema do not match this build (see <see cref="MetadataDatabase.CheckSchemaAsync"/>).</summary>
internal sealed class SchemaCheck : IHostedService
{
    private readonly MetadataDatabase _database;

    public SchemaCheck(MetadataDatabase database)
    {
        _database = database;
    }

    public Task StartAsync(CancellationToken cancellationToken) => _database.CheckSchemaAsync();

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

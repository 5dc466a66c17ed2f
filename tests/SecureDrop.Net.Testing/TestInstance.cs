using Microsoft.Extensions.Options;
using SecureDrop.Net.Custody.Setup;

namespace SecureDrop.Net.Testing;

/// <summary>Where a test instance keeps its metadata and jobs.</summary>
public enum Store
{
    Sqlite,
    PostgreSql,
}

/// <summary>A freshly initialised instance in a temporary directory, with its one-time secrets at hand.</summary>
public sealed class TestInstance : IDisposable
{
    private readonly TempDirectory _directory;
    private readonly string? _postgres;
    private readonly bool _dropDatabase;

    private TestInstance(TempDirectory directory, InitialSecrets secrets, string? postgres, bool dropDatabase = true)
    {
        _directory = directory;
        _postgres = postgres;
        _dropDatabase = dropDatabase;
        Secrets = secrets;
        Settings = postgres is null
            ? new Dictionary<string, string?>()
            : new Dictionary<string, string?> { [$"{DatabaseOptions.Section}:{nameof(DatabaseOptions.PostgreSql)}"] = postgres };
        Database = new MetadataDatabase(secrets.Data, Options);
    }

    public InitialSecrets Secrets { get; }

    public DataDirectory Data => Secrets.Data;

    public string Root => _directory.Path;

    public MetadataDatabase Database { get; }

    /// <summary>The instance's newsroom keys as its files say now (read anew on each use: a command may have changed them).</summary>
    public NewsroomKeys Keys => new(Data);

    /// <summary>The settings a service of this instance needs (the PostgreSQL connection string, if any).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>The same settings as environment variables, for child processes.</summary>
    public IReadOnlyDictionary<string, string> Environment =>
        _postgres is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["Database__PostgreSql"] = _postgres };

    /// <summary>
    /// Runs <paramref name="sql"/> on the metadata database behind the program's back, as someone holding the database
    /// could (an edited audit row, a schema from another build).
    /// </summary>
    public async Task ExecuteSqlAsync(string sql)
    {
        await using var connection = await Database.OpenAsync();
        await connection.ExecuteAsync(sql);
    }

    public IOptions<DatabaseOptions> Options => Microsoft.Extensions.Options.Options.Create(new DatabaseOptions { PostgreSql = _postgres });

    public static async Task<TestInstance> CreateAsync(Store store = Store.Sqlite, NewsroomSecretKey? key = null)
    {
        var directory = new TempDirectory("sdnet-instance");
        var postgres = store == Store.PostgreSql ? await TestPostgres.CreateDatabaseAsync() : null;
        using var generated = key is null ? NewsroomSecretKey.Generate("Test newsroom", TimeProvider.System.GetUtcNow()) : null;
        var options = Microsoft.Extensions.Options.Options.Create(new DatabaseOptions { PostgreSql = postgres });
        var secrets = await InstanceInitializer.InitializeAsync(directory.Combine("data"), key ?? generated!, TimeProvider.System, options);
        return new TestInstance(directory, secrets, postgres);
    }

    /// <summary>
    /// An instance on a PostgreSQL database the caller made on a cluster of its own and removes with it (a test that
    /// restarts the whole server must not use the shared cluster).
    /// </summary>
    public static async Task<TestInstance> CreateOnPostgreSqlAsync(string connectionString, NewsroomSecretKey key)
    {
        var directory = new TempDirectory("sdnet-instance");
        var options = Microsoft.Extensions.Options.Options.Create(new DatabaseOptions { PostgreSql = connectionString });
        var secrets = await InstanceInitializer.InitializeAsync(directory.Combine("data"), key, TimeProvider.System, options);
        return new TestInstance(directory, secrets, connectionString, dropDatabase: false);
    }

    public void Dispose()
    {
        if (_postgres is not null && _dropDatabase)
        {
            TestPostgres.DropDatabase(_postgres);
        }

        _directory.Dispose();
    }
}

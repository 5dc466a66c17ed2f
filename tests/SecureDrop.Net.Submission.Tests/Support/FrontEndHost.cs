using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace SecureDrop.Net.Submission.Tests.Support;

/// <summary>
/// A fresh instance whose newsroom secret key the test keeps (to look inside what was stored), and the front end
/// on real Kestrel over it, with optional settings, a clock, and every log line captured.
/// </summary>
public sealed class FrontEndHost : IAsyncDisposable
{
    private FrontEndHost(TestInstance instance, NewsroomSecretKey key, RunningApp app, LogCapture logs)
    {
        Instance = instance;
        Key = key;
        App = app;
        Logs = logs;
    }

    public TestInstance Instance { get; }

    public NewsroomSecretKey Key { get; }

    public RunningApp App { get; }

    public LogCapture Logs { get; }

    public Uri Address => App.Address;

    public DataDirectory Data => Instance.Data;

    public static async Task<FrontEndHost> StartAsync(IReadOnlyDictionary<string, string?>? settings = null, TimeProvider? time = null,
        Action<WebApplicationBuilder>? configure = null, bool https = false, NewsroomKeyAlgorithm algorithm = NewsroomKeyAlgorithm.PostQuantum)
    {
        var key = NewsroomSecretKey.Generate("Test newsroom", TimeProvider.System.GetUtcNow(), algorithm);
        var instance = await TestInstance.CreateAsync(Store.Sqlite, key);
        var logs = new LogCapture();
        var app = await RunningApp.StartAsync(url => SubmissionApp.Build(instance.Data, https ? "https://127.0.0.1:0" : url, null, builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
            builder.Logging.AddProvider(logs);
            if (time is not null)
            {
                builder.Services.AddSingleton(time);
            }

            configure?.Invoke(builder);
        }));
        return new FrontEndHost(instance, key, app, logs);
    }

    public Task<long> CountAsync(string table) => ScalarAsync<long>($"SELECT count(*) FROM {table}");

    /// <summary>Queries the rows as they are once the current ingest window has closed (as the worker would close it).</summary>
    public async Task<T> ScalarAsync<T>(string sql)
    {
        var database = new MetadataDatabase(Data);
        await Seed.IngestWindowJob(database).CloseNowAsync();
        await using var connection = await database.OpenAsync();
        return (await connection.ExecuteScalarAsync<T>(sql))!;
    }

    public async Task<IReadOnlyList<string>> JobArgumentsAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={Data.JobDatabase};Mode=ReadOnly");
        await connection.OpenAsync();
        return (await connection.QueryAsync<string>("SELECT Arguments FROM Job")).AsList();
    }

    /// <summary>Decrypts an intake item the way the console would: its literal file name and content.</summary>
    public (string Name, byte[] Content) DecryptIntakeItem(string path)
    {
        using var ciphertext = File.OpenRead(path);
        using var plaintext = new MemoryStream();
        var name = MessageDecryptor.Decrypt(ciphertext, Key, plaintext);
        return (name, plaintext.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        Key.Dispose();
        Instance.Dispose();
    }
}

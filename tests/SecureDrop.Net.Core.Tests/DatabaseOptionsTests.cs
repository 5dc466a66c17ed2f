using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace SecureDrop.Net.Core.Tests;

/// <summary>Bad database settings stop a process at start, naming the environment variable and the fix, never the password.</summary>
public sealed class DatabaseOptionsTests
{
    public static TheoryData<string, string, string> BadSettings => new()
    {
        { "Database:PostgreSql", "Host=db.example;Password=hunter2;Colour=blue", "Database:PostgreSql (environment Database__PostgreSql) is not a PostgreSQL connection string" },
        { "Database:PostgreSql", "Database=sdnet;Password=hunter2", "Database:PostgreSql (environment Database__PostgreSql) names no server" },
        { "Database:Postgres", "Host=db.example;Password=hunter2", "Database:Postgres (environment Database__Postgres) is not a setting" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task BadSetting_StopsAHostAtStart_NamingTheSettingAndTheFix(string key, string value, string expected)
    {
        using var instance = await TestInstance.CreateAsync();
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = value });
        builder.Services.AddSecureDropCore(instance.Data, builder.Configuration);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
        var cli = Assert.Throws<OptionsValidationException>(() => CoreServices.DatabaseOptionsFrom(builder.Configuration));
        Assert.Equal(error.Failures, cli.Failures);
    }

    [Fact]
    public void ConnectionString_WithAServer_IsAccepted_AndUnsetMeansSqlite()
    {
        var postgres = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Database:PostgreSql"] = "Host=db.example;Database=sdnet;Username=sdnet;Password=x" }).Build();
        var unset = new ConfigurationBuilder().Build();

        Assert.Equal("Host=db.example;Database=sdnet;Username=sdnet;Password=x", CoreServices.DatabaseOptionsFrom(postgres).Value.PostgreSql);
        Assert.Null(CoreServices.DatabaseOptionsFrom(unset).Value.PostgreSql);
    }
}

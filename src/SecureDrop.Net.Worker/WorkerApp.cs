using Hangfire;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SecureDrop.Net.Core;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Jobs;
using SecureDrop.Net.Core.Web;
using SecureDrop.Net.Vault;

namespace SecureDrop.Net.Worker;

/// <summary>
/// The Hangfire server: moves items from intake to the vault. It holds public keys only and serves no HTTP; its
/// project references SecureDrop.Net.Core and SecureDrop.Net.Vault, none of the code that can open a secret key.
/// </summary>
public static class WorkerApp
{
    /// <param name="data">The instance's data directory.</param>
    /// <param name="settings">Settings on top of the environment's (tests pass the PostgreSQL connection string).</param>
    /// <param name="configure">A last say over the builder (tests look at what the container holds).</param>
    public static IHost Build(DataDirectory data, IReadOnlyDictionary<string, string?>? settings = null, Action<HostApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = typeof(WorkerApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Logging.AddQuietWebLogging();
        builder.Services.AddSecureDropCore(data, builder.Configuration)
            .AddVault(builder.Configuration)
            .AddVaultJobs()
            .AddNotifications(builder.Configuration);
        builder.Services.AddHangfire((provider, configuration) => configuration.UseSecureDropStorage(provider.GetRequiredService<MetadataDatabase>()));
        builder.Services.AddHangfireServer(options =>
        {
            options.ServerName = "sdnet-worker";
            options.WorkerCount = Math.Max(4, Environment.ProcessorCount * 2);
            options.SchedulePollingInterval = TimeSpan.FromSeconds(1);
            options.ShutdownTimeout = TimeSpan.FromSeconds(10);
        });
        builder.Services.AddHostedService<WorkerSchedule>();
        configure?.Invoke(builder);
        return builder.Build();
    }
}

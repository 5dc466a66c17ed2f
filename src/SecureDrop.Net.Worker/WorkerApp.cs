using Hangfire;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SecureDrop.Net.Core;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Jobs;
using SecureDrop.Net.Core.Web;

namespace SecureDrop.Net.Worker;

/// <summary>
/// The Hangfire server: moves items from intake to the vault. It holds public keys only and serves no HTTP.
/// </summary>
public static class WorkerApp
{
    public static IHost Build(DataDirectory data, IReadOnlyDictionary<string, string?>? settings = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = typeof(WorkerApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Logging.AddQuietWebLogging();
        builder.Services.AddSecureDropCore(data, builder.Configuration);
        builder.Services.AddHangfire((provider, configuration) => configuration.UseSecureDropStorage(provider.GetRequiredService<MetadataDatabase>()));
        builder.Services.AddHangfireServer(options =>
        {
            options.ServerName = "sdnet-worker";
            options.WorkerCount = Math.Max(4, Environment.ProcessorCount * 2);
            options.SchedulePollingInterval = TimeSpan.FromSeconds(1);
            options.ShutdownTimeout = TimeSpan.FromSeconds(10);
        });
        builder.Services.AddHostedService<WorkerSchedule>();
        return builder.Build();
    }
}

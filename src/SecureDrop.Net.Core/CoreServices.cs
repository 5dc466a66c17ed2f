using Microsoft.Extensions.DependencyInjection;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Jobs;
using SecureDrop.Net.Core.Keys;
using SecureDrop.Net.Core.Sources;
using SecureDrop.Net.Core.Submissions;

namespace SecureDrop.Net.Core;

public static class CoreServices
{
    /// <summary>The storage every process shares: metadata, ciphertext files and the newsroom public key.</summary>
    public static IServiceCollection AddSecureDropCore(this IServiceCollection services, DataDirectory data)
    {
        services.AddSingleton(data);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<MetadataDatabase>();
        services.AddSingleton<NewsroomKeys>();
        services.AddSingleton<ItemFiles>();
        services.AddSingleton<SourceStore>();
        services.AddSingleton<SubmissionStore>();
        services.AddTransient<IngestJob>();
        return services;
    }

    /// <summary>Source identity needs the instance salt; only the front end has a use for it.</summary>
    public static IServiceCollection AddSourceIdentity(this IServiceCollection services)
    {
        services.AddSingleton<SourceIdentity>();
        return services;
    }
}

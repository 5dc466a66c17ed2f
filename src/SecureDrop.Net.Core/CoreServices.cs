using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Keys;
using SecureDrop.Net.Core.Replies;
using SecureDrop.Net.Core.Settings;
using SecureDrop.Net.Core.Sources;
using SecureDrop.Net.Core.Submissions;

namespace SecureDrop.Net.Core;

/// <summary>
/// Registration of what every process shares, per feature. Each host adds only the features it uses (the front end:
/// <see cref="AddSecureDropCore"/> and <see cref="AddIntake"/>); the vault side and custody register theirs from
/// SecureDrop.Net.Vault (VaultServices) and SecureDrop.Net.Custody (CustodyServices). Every method may be combined
/// with the others: a service two features share is registered once.
/// </summary>
public static class CoreServices
{
    /// <summary>
    /// What every process needs: the data directory, the clock, the metadata database (its settings validated and
    /// its schema checked at start), the instance settings and the newsroom public keys.
    /// </summary>
    public static IServiceCollection AddSecureDropCore(this IServiceCollection services, DataDirectory data, IConfiguration configuration)
    {
        services.TryAddSingleton(data);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection(DatabaseOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DatabaseOptions>>(new DatabaseOptionsValidator(configuration.GetSection(DatabaseOptions.Section))));
        services.TryAddSingleton<MetadataDatabase>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SchemaCheck>());
        services.TryAddSingleton<NewsroomKeys>();
        services.TryAddSingleton<InstanceSettingsStore>();
        return services;
    }

    /// <summary>
    /// The submission front end's feature: sources (found by their codename's derivation, and made as pending sources
    /// until their ingest window closes), intake files and envelopes, and the replies a source reads and deletes.
    /// </summary>
    public static IServiceCollection AddIntake(this IServiceCollection services)
    {
        services.TryAddSingleton<SourceIdentity>();
        services.TryAddSingleton<SourceStore>();
        services.TryAddSingleton<PendingSources>();
        services.TryAddSingleton<IntakeLedger>();
        return services.AddReplies();
    }

    /// <summary>Replies: their rows, their files in the vault directory, and sources' reply keys.</summary>
    public static IServiceCollection AddReplies(this IServiceCollection services)
    {
        services.TryAddSingleton<ItemFiles>();
        services.TryAddSingleton<ReplyStore>();
        services.TryAddSingleton<SourceReplyKeys>();
        return services;
    }

    /// <summary>Reads settings the way the services do: environment variables (Database__PostgreSql, ...).</summary>
    public static IConfiguration EnvironmentConfiguration() => new ConfigurationBuilder().AddEnvironmentVariables().Build();

    /// <summary>The database settings for a command that runs without a host (the CLI), checked as a host checks them.</summary>
    /// <exception cref="OptionsValidationException">A setting is wrong; each failure names it and the fix.</exception>
    public static IOptions<DatabaseOptions> DatabaseOptionsFrom(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(DatabaseOptions.Section);
        var options = section.Get<DatabaseOptions>() ?? new DatabaseOptions();
        var result = new DatabaseOptionsValidator(section).Validate(Options.DefaultName, options);
        return result.Failed
            ? throw new OptionsValidationException(Options.DefaultName, typeof(DatabaseOptions), result.Failures)
            : Options.Create(options);
    }
}

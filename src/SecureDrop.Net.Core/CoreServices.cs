using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Jobs;
using SecureDrop.Net.Core.Keys;
using SecureDrop.Net.Core.Notifications;
using SecureDrop.Net.Core.Sources;
using SecureDrop.Net.Core.Submissions;

namespace SecureDrop.Net.Core;

public static class CoreServices
{
    /// <summary>The storage every process shares: metadata, ciphertext files and the newsroom public key.</summary>
    public static IServiceCollection AddSecureDropCore(this IServiceCollection services, DataDirectory data, IConfiguration configuration)
    {
        services.AddSingleton(data);
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection(DatabaseOptions.Section));
        services.AddSingleton<MetadataDatabase>();
        services.AddHostedService<SchemaCheck>();
        services.AddSingleton<NewsroomKeys>();
        services.AddSingleton<ItemFiles>();
        services.AddSingleton<SourceStore>();
        services.AddSingleton<SubmissionStore>();
        services.AddSingleton<Replies.ReplyStore>();
        services.AddSingleton<Replies.SourceReplyKeys>();
        services.AddSingleton<SourceList>();
        services.AddSingleton<SourceTriage>();
        services.AddTransient<IngestJob>();
        services.AddTransient<ReconcileJob>();
        services.AddTransient<DeleteJob>();
        services.AddTransient<RetentionJob>();
        services.AddOptions<RetentionOptions>().Bind(configuration.GetSection(RetentionOptions.Section)).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<RetentionOptions>, RetentionOptionsValidator>();
        services.AddOptions<NotificationOptions>().Bind(configuration.GetSection(NotificationOptions.Section)).ValidateOnStart();
        services.AddOptions<SmtpOptions>().Bind(configuration.GetSection(SmtpOptions.Section)).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<NotificationOptions>, NotificationOptionsValidator>();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<SmtpOptions>, NotificationOptionsValidator>();
        services.AddSingleton(new SmtpPasswordStore(data));
        services.AddSingleton<NotificationStore>();
        services.AddSingleton<Audit.AuditLog>();
        services.AddSingleton<Settings.InstanceSettingsStore>();
        services.AddTransient<NotifyJob>();
        return services;
    }

    /// <summary>Source identity needs the instance salt; only the front end has a use for it.</summary>
    public static IServiceCollection AddSourceIdentity(this IServiceCollection services)
    {
        services.AddSingleton<SourceIdentity>();
        return services;
    }

    /// <summary>Reads settings the way the services do: environment variables (Database__PostgreSql, ...).</summary>
    public static IConfiguration EnvironmentConfiguration() => new ConfigurationBuilder().AddEnvironmentVariables().Build();

    public static Microsoft.Extensions.Options.IOptions<DatabaseOptions> DatabaseOptionsFrom(IConfiguration configuration) =>
        Microsoft.Extensions.Options.Options.Create(configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions());
}

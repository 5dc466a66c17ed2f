using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SecureDrop.Net.Core.Jobs;
using SecureDrop.Net.Core.Replies;
using SecureDrop.Net.Core.Settings;
using SecureDrop.Net.Core.Sources;
using SecureDrop.Net.Core.Submissions;
using SecureDrop.Net.Vault.Audit;
using SecureDrop.Net.Vault.Jobs;
using SecureDrop.Net.Vault.Notifications;
using SecureDrop.Net.Vault.Sources;
using SecureDrop.Net.Vault.Submissions;

namespace SecureDrop.Net.Vault;

/// <summary>
/// Registration of the vault side, per feature: the worker adds <see cref="AddVault"/>, <see cref="AddVaultJobs"/>
/// and <see cref="AddNotifications"/>; the console adds <see cref="AddVault"/>, <see cref="AddAudit"/> and
/// <see cref="AddSourceTriage"/>. Combine with SecureDrop.Net.Core's <c>AddSecureDropCore</c>.
/// </summary>
public static class VaultServices
{
    /// <summary>
    /// The vault's rows and files: items and submissions, sources, replies, pending notices, and the retention and
    /// ingest window settings (validated at start) with the window's schedule.
    /// </summary>
    public static IServiceCollection AddVault(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton<ItemFiles>();
        services.TryAddSingleton<ItemStore>();
        services.TryAddSingleton<SourceRecords>();
        services.TryAddSingleton<ReplyStore>();
        services.TryAddSingleton<NotificationStore>();
        services.AddOptions<RetentionOptions>().Bind(configuration.GetSection(RetentionOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RetentionOptions>, RetentionOptionsValidator>());
        services.AddOptions<IngestOptions>().Bind(configuration.GetSection(IngestOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IngestOptions>, IngestOptionsValidator>());
        services.TryAddSingleton<IngestSchedule>();
        return services;
    }

    /// <summary>
    /// The jobs the worker runs, and what the ingest window job reads in intake/ (envelopes, pending sources). Every
    /// class marked <see cref="RecurringJobAttribute"/> is registered (and scheduled by the worker) without a line here.
    /// The one job the front end queues is registered under its contract in SecureDrop.Net.Core
    /// (<see cref="IReplyDeletionJob"/>), which Hangfire stores.
    /// </summary>
    public static IServiceCollection AddVaultJobs(this IServiceCollection services)
    {
        services.TryAddSingleton<IntakeLedger>();
        services.TryAddSingleton<PendingSources>();
        services.TryAddTransient<IngestWindowJob>();
        services.TryAddTransient<IReplyDeletionJob, DeleteJob>();
        services.TryAddTransient<DeleteJob>();
        services.AddRecurringJobs();
        return services;
    }

    /// <summary>Sending the journalists' notices: SMTP settings (validated at start), the sealed SMTP password, the job.</summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NotificationOptions>().Bind(configuration.GetSection(NotificationOptions.Section)).ValidateOnStart();
        services.AddOptions<SmtpOptions>().Bind(configuration.GetSection(SmtpOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NotificationOptions>, NotificationOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SmtpOptions>, NotificationOptionsValidator>());
        services.TryAddSingleton<SmtpPasswordStore>();
        services.TryAddSingleton<NotificationStore>();
        services.TryAddTransient<NotifyJob>();
        return services;
    }

    /// <summary>The journalists' audit trail (hash-chained).</summary>
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.TryAddSingleton<AuditLog>();
        return services;
    }

    /// <summary>The console's source list, stars, statuses, labels and read flags.</summary>
    public static IServiceCollection AddSourceTriage(this IServiceCollection services)
    {
        services.TryAddSingleton<SourceList>();
        services.TryAddSingleton<SourceTriage>();
        return services;
    }
}

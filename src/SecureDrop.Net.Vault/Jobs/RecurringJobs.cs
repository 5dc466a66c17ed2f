using System.Reflection;
using Hangfire;
using Hangfire.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SecureDrop.Net.Vault.Jobs;

/// <summary>
/// Marks a class of this assembly as one of the worker's recurring jobs: its public parameterless <c>RunAsync()</c>
/// runs on <see cref="Cron"/> under the id <see cref="Id"/>. The class is all a new job needs: the worker's
/// container and schedule find it here (<see cref="RecurringJobs"/>), so nothing is listed in a second place.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class RecurringJobAttribute(string id, string cron) : Attribute
{
    /// <summary>The recurring job's id in Hangfire's storage (and on the dashboard).</summary>
    public string Id { get; } = id;

    /// <summary>When it runs: a cron expression (Hangfire's <see cref="Hangfire.Cron"/> helpers give the common ones).</summary>
    public string Cron { get; } = cron;
}

/// <summary>The worker's recurring jobs, found by <see cref="RecurringJobAttribute"/> in this assembly.</summary>
public static class RecurringJobs
{
    /// <summary>Every recurring job: its class, its id, when it runs, and its <c>RunAsync</c>.</summary>
    public static IReadOnlyList<(Type Type, RecurringJobAttribute Schedule, MethodInfo Run)> All { get; } =
    [
        .. typeof(RecurringJobs).Assembly.GetTypes()
            .Select(type => (Type: type, Schedule: type.GetCustomAttribute<RecurringJobAttribute>()))
            .Where(found => found.Schedule is not null)
            .OrderBy(found => found.Schedule!.Id, StringComparer.Ordinal)
            .Select(found => (found.Type, found.Schedule!, found.Type.GetMethod("RunAsync", Type.EmptyTypes)
                ?? throw new InvalidOperationException($"{found.Type.Name} is marked [RecurringJob] but has no public RunAsync().")))
    ];

    /// <summary>Registers each recurring job's class for Hangfire to resolve (transient, as Hangfire expects).</summary>
    public static IServiceCollection AddRecurringJobs(this IServiceCollection services)
    {
        foreach (var (type, _, _) in All)
        {
            services.TryAddTransient(type);
        }

        return services;
    }

    /// <summary>Adds or updates every recurring job's schedule in Hangfire's storage.</summary>
    public static void Schedule(IRecurringJobManager recurring)
    {
        ArgumentNullException.ThrowIfNull(recurring);
        foreach (var (type, schedule, run) in All)
        {
            recurring.AddOrUpdate(schedule.Id, new Job(type, run), schedule.Cron, new RecurringJobOptions());
        }
    }
}

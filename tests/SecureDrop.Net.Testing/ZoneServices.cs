namespace SecureDrop.Net.Testing;

/// <summary>What a host's real container holds of ours: the facts behind "each process registers only what it uses".</summary>
public static class ZoneServices
{
    /// <summary>
    /// Every type of ours a registration names: service types, implementation types and instances, and the type
    /// arguments of generic ones (IValidateOptions&lt;RetentionOptions&gt; names RetentionOptions).
    /// </summary>
    public static IReadOnlyList<Type> Ours(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services
            .SelectMany(d => new[]
            {
                d.ServiceType,
                d.IsKeyedService ? d.KeyedImplementationType : d.ImplementationType,
                (d.IsKeyedService ? d.KeyedImplementationInstance : d.ImplementationInstance)?.GetType(),
            })
            .OfType<Type>()
            .SelectMany(type => type.IsGenericType ? [type, .. type.GetGenericArguments()] : new[] { type })
            .Where(type => type.Assembly.GetName().Name!.StartsWith("SecureDrop.Net.", StringComparison.Ordinal))
            .Distinct()
            .ToList();
    }

    /// <summary>The assembly names of <see cref="Ours"/>.</summary>
    public static IReadOnlySet<string> Assemblies(IServiceCollection services) =>
        Ours(services).Select(type => type.Assembly.GetName().Name!).ToHashSet(StringComparer.Ordinal);

    /// <summary>The names of our types that <paramref name="services"/> registers from the assembly of <paramref name="from"/>, sorted.</summary>
    public static IReadOnlyList<string> NamesFrom(IServiceCollection services, Type from)
    {
        ArgumentNullException.ThrowIfNull(from);
        return Ours(services).Where(type => type.Assembly == from.Assembly).Select(type => type.Name).Order(StringComparer.Ordinal).ToList();
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SecureDrop.Net.Custody.Journalists;
using SecureDrop.Net.Custody.Keys;

namespace SecureDrop.Net.Custody;

/// <summary>
/// Registration of what holds secrets; only the reviewer console adds these (sdnet builds what it needs per command).
/// </summary>
public static class CustodyServices
{
    /// <summary>The sealed newsroom secret keys and the queries a re-wrap needs.</summary>
    public static IServiceCollection AddCustody(this IServiceCollection services)
    {
        services.TryAddSingleton(provider => new SealedNewsroomKeys(provider.GetRequiredService<Core.Keys.NewsroomKeys>()));
        services.TryAddSingleton<ItemKeyStore>();
        return services;
    }

    /// <summary>Journalists' accounts: passphrase verifiers, their wraps of the vault key, TOTP.</summary>
    public static IServiceCollection AddJournalists(this IServiceCollection services)
    {
        services.TryAddSingleton<JournalistStore>();
        return services;
    }
}

using System.CommandLine;
using Microsoft.Extensions.Configuration;
using SecureDrop.Net.Core;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Settings;

namespace SecureDrop.Net.Cli.Init;

/// <summary>
/// --newsroom-name: who reads the tips, named on the landing page ("Send The Daily Example a tip, safely"). The same
/// setting as the console's Settings page (an admin can change it there later); stored in the instance settings.
/// </summary>
internal static class NewsroomNameOption
{
    /// <summary>The option, refusing (as bad usage, before anything is created) a name the console would refuse too.</summary>
    public static Option<string> Create()
    {
        var option = new Option<string>("--newsroom-name")
        {
            Description = "Your newsroom's name as sources should see it on the landing page (the console's Settings page changes it later).",
        };
        option.Validators.Add(result =>
        {
            var name = result.GetValueOrDefault<string>()?.Trim();
            if (name is not null && (name.Length == 0 || new InstanceSettings(name, null, null, null).Problem() is not null))
            {
                result.AddError($"--newsroom-name must be 1 to {InstanceSettings.MaxOrganisationNameLength} characters, for example --newsroom-name \"The Daily Example\".");
            }
        });
        return option;
    }

    public static async Task SaveAsync(DataDirectory data, string? name, IConfiguration configuration, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return;
        }

        var store = new InstanceSettingsStore(new MetadataDatabase(data, CoreServices.DatabaseOptionsFrom(configuration)), TimeProvider.System);
        var current = await store.ReadFreshAsync(cancellationToken);
        await store.SaveAsync(current with { OrganisationName = name.Trim() }, cancellationToken);
    }
}

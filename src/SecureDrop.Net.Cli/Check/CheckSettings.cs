using Microsoft.Extensions.Configuration;

namespace SecureDrop.Net.Cli.Check;

/// <summary>
/// The settings 'sdnet check' audits: the environment, as the services read it, overlaid with the ops settings file
/// the systemd units load (EnvironmentFile=, KEY=VALUE lines, e.g. /etc/securedrop-net/sdnet.env). Names use the
/// environment form (Retention__SubmissionDays) and are read as configuration keys (Retention:SubmissionDays).
/// The Ops section is read by check only: Ops:FrontEndUser, Ops:SubmissionUrl, Ops:ReviewerUrl.
/// </summary>
internal static class CheckSettings
{
    public static IConfiguration Load(IEnumerable<FileInfo>? settingsFiles)
    {
        var builder = new ConfigurationBuilder().AddEnvironmentVariables();
        foreach (var settingsFile in settingsFiles ?? [])
        {
            if (!settingsFile.Exists)
            {
                throw new IOException($"The settings file '{settingsFile.FullName}' does not exist.");
            }

            builder.AddInMemoryCollection(Parse(File.ReadAllLines(settingsFile.FullName)));
        }

        return builder.Build();
    }

    private static Dictionary<string, string?> Parse(IEnumerable<string> lines)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#') || line.StartsWith(';'))
            {
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            var value = line[(equals + 1)..].Trim();
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
            {
                value = value[1..^1];
            }

            values[line[..equals].Trim().Replace("__", ":", StringComparison.Ordinal)] = value;
        }

        return values;
    }
}

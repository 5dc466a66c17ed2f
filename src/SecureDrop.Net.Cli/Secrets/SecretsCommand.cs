using System.CommandLine;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using SecureDrop.Net.Cli.Unlock;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Secrets;
using SecureDrop.Net.Reviewer;
using SecureDrop.Net.Submission;

namespace SecureDrop.Net.Cli.Secrets;

/// <summary>sdnet secrets: the instance's other secrets: a new DataProtection key ahead of its schedule, the SMTP password.</summary>
internal static class SecretsCommand
{
    private static readonly Dictionary<string, string> Roles = new(StringComparer.Ordinal)
    {
        ["submission"] = SubmissionApp.ApplicationName,
        ["reviewer"] = ReviewerApp.ApplicationName,
    };

    public static Command Create(Terminal terminal)
    {
        var data = Sdnet.DataOption();
        var role = new Option<string>("--role")
        {
            Description = "Whose key ring: submission, reviewer, or both (the default).",
            DefaultValueFactory = _ => "both",
        };
        role.AcceptOnlyFromAmong("submission", "reviewer", "both");
        var rotate = new Command("rotate-dataprotection", "Create a new DataProtection key now (encrypted at rest); older keys stay to read existing cookies and tokens until they expire.") { data, role };
        rotate.SetAction((parse, _) => Sdnet.GuardAsync(parse, async output =>
        {
            var directory = DataDirectory.Open(parse.GetRequiredValue(data).FullName);
            var chosen = parse.GetValue(role) is "both" or null ? Roles.Keys.ToArray() : [parse.GetValue(role)!];
            foreach (var name in chosen)
            {
                var services = new ServiceCollection();
                services.AddLogging();
                services.AddSecureDropDataProtection(directory, name, Roles[name]);
                await using var provider = services.BuildServiceProvider();
                var now = TimeProvider.System.GetUtcNow();
                var key = provider.GetRequiredService<IKeyManager>().CreateNewKey(now, now.AddDays(90));
                await output.WriteLineAsync($"New DataProtection key {key.KeyId} for the {name} role, active now, expires {key.ExpirationDate:yyyy-MM-dd}.");
            }

            await output.WriteLineAsync("Running processes take the new key as their default at their next key-ring refresh (within 24 hours) or restart; sessions and forms already issued stay valid.");
            return Sdnet.Success;
        }));
        return new Command("secrets", "Manage the instance's other secrets (DataProtection key rings, the SMTP password).")
        {
            rotate, SmtpPasswordCommands.Set(terminal), SmtpPasswordCommands.Remove(),
        };
    }
}

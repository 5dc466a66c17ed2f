using System.Globalization;

namespace SecureDrop.Net.Core.Data.Layout;

/// <summary>
/// What every role checks at start in the multi-user layout: PostgreSQL as the store, the process running as its
/// role's user, and every directory, key file and ring key it can see with exactly its owner, group and mode. A mistake fails
/// the start with the path and the command that fixes it, rather than run with a secret key in reach of the front end.
/// </summary>
internal static class LayoutStartCheck
{
    public static void Check(DataDirectory data, MultiUserLayout layout, ServiceRole role)
    {
        if (!string.Equals(MultiUserLayout.RecordedDatabase(data), "PostgreSql", StringComparison.Ordinal))
        {
            throw new DataDirectoryException(
                $"'{data.Root}' is set up for three service users but keeps its metadata in SQLite, whose files cannot be shared by three users. The multi-user layout needs PostgreSQL: create the instance with Database__PostgreSql set (sdnet init --layout multi-user), or use the single-user layout.");
        }

        if (layout.UserOf(role) is { } expected && UnixFiles.EffectiveUserId != expected.Id)
        {
            throw new DataDirectoryException(string.Create(CultureInfo.InvariantCulture,
                $"In the multi-user layout of '{data.Root}' the {Describe(role)} runs as {expected}, not as uid {UnixFiles.EffectiveUserId}. Start it with its systemd unit (ops/systemd) or as that user, e.g.: setpriv --reuid={expected.Id} --regid={layout.SharedGroup.Id} --init-groups sdnet serve ..."));
        }

        var hidden = HiddenFrom(data, role);
        var problems = LayoutRules.Verify(LayoutRules.Fixed(data, layout).Where(entry => !hidden.Contains(entry.Path)));
        if (problems.Count > 0)
        {
            throw new DataDirectoryException(string.Join(Environment.NewLine, problems.Select(problem => problem.Message)));
        }
    }

    // What the role's systemd unit makes inaccessible (InaccessiblePaths=), so its mount namespace shows no owner or
    // mode to check: the vault and the console's ring for the front end, every ring for the worker, the front end's
    // ring for the console. The secret key files stay in the check: file permissions, not the sandbox, keep them.
    private static HashSet<string> HiddenFrom(DataDirectory data, ServiceRole role)
    {
        var rings = Path.GetDirectoryName(data.DataProtectionDirectory(DataProtectionRoles.FrontEnd))!;
        string[] consoleRing = [data.DataProtectionDirectory(DataProtectionRoles.Console), data.DataProtectionKeyFile(DataProtectionRoles.Console)];
        string[] frontEndRing = [data.DataProtectionDirectory(DataProtectionRoles.FrontEnd), data.DataProtectionKeyFile(DataProtectionRoles.FrontEnd)];
        return role switch
        {
            ServiceRole.FrontEnd => [data.VaultDirectory, .. consoleRing],
            ServiceRole.Worker => [rings, .. consoleRing, .. frontEndRing],
            ServiceRole.Console => [.. frontEndRing],
            _ => [],
        };
    }

    private static string Describe(ServiceRole role) => role switch
    {
        ServiceRole.FrontEnd => "front end",
        ServiceRole.Worker => "worker",
        _ => "console",
    };
}

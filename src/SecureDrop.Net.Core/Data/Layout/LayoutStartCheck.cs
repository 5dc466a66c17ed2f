using System.Globalization;

namespace SecureDrop.Net.Core.Data.Layout;

/// <summary>
/// What every role checks at start in the multi-user layout: PostgreSQL as the store, the process running as its
/// role's user, and every directory, key file and ring key with exactly its owner, group and mode. A mistake fails
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

        var problems = LayoutRules.Verify(LayoutRules.Fixed(data, layout));
        if (problems.Count > 0)
        {
            throw new DataDirectoryException(string.Join(Environment.NewLine, problems.Select(problem => problem.Message)));
        }
    }

    private static string Describe(ServiceRole role) => role switch
    {
        ServiceRole.FrontEnd => "front end",
        ServiceRole.Worker => "worker",
        _ => "console",
    };
}

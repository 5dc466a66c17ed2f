using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using SecureDrop.Net.Cli.Check;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Data.Layout;
using SecureDrop.Net.Core.Secrets;

namespace SecureDrop.Net.Cli.Init;

/// <summary>
/// sdnet init --layout multi-user: the production layout of ops/ (front end, worker and console under three users
/// sharing two groups), checked before anything is created and applied, as root, once the instance exists.
/// </summary>
internal static class MultiUserInit
{
    public const string SingleUser = "single-user";
    public const string MultiUser = "multi-user";

    public static Option<string> LayoutOption()
    {
        var option = new Option<string>("--layout")
        {
            Description = "single-user (one owner, the default; SQLite or PostgreSQL) or multi-user (front end, worker and console as three users; PostgreSQL only; run as root).",
            DefaultValueFactory = _ => SingleUser,
        };
        option.AcceptOnlyFromAmong(SingleUser, MultiUser);
        return option;
    }

    public static Option<string> UsersOption() => new("--users")
    {
        Description = "Multi-user layout: the FRONTEND,WORKER,CONSOLE users, by name or uid.",
        DefaultValueFactory = _ => "sdnet-frontend,sdnet-worker,sdnet-console",
    };

    public static Option<string> GroupsOption() => new("--groups")
    {
        Description = "Multi-user layout: the SHARED group (all three users) and the BACKEND group (worker and console only), by name or gid.",
        DefaultValueFactory = _ => "sdnet,sdnet-backend",
    };

    /// <summary>Resolves and checks everything the layout needs, so a refusal leaves nothing behind.</summary>
    public static MultiUserLayout Resolve(string users, string groups, IConfiguration settings)
    {
        if (string.IsNullOrWhiteSpace(settings["Database:PostgreSql"]))
        {
            throw new DataDirectoryException("The multi-user layout needs PostgreSQL: SQLite files cannot be shared by three users. Set Database__PostgreSql to an empty database's connection string, or leave out --layout multi-user. Nothing was created.");
        }

        if (UnixFiles.EffectiveUserId != 0)
        {
            throw new DataDirectoryException("The multi-user layout gives files to three users: run 'sdnet init --layout multi-user' as root. Nothing was created.");
        }

        var userNames = users.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var groupNames = groups.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (userNames.Length != 3 || groupNames.Length != 2)
        {
            throw new DataDirectoryException("Give --users FRONTEND,WORKER,CONSOLE (three users) and --groups SHARED,BACKEND (two groups). Nothing was created.");
        }

        var resolvedUsers = userNames.Select(name => Resolve(name, "/etc/passwd", "user", "useradd --system --shell /usr/sbin/nologin")).ToList();
        var resolvedGroups = groupNames.Select(name => Resolve(name, "/etc/group", "group", "groupadd --system")).ToList();
        if (resolvedUsers.Select(user => user.Id).Distinct().Count() != 3 || resolvedUsers.Any(user => user.Id == 0)
            || resolvedGroups[0].Id == resolvedGroups[1].Id || resolvedGroups.Any(group => group.Id == 0))
        {
            throw new DataDirectoryException("The three users must be distinct and not root, and the two groups distinct and not root's. Nothing was created.");
        }

        return new MultiUserLayout(resolvedUsers[0], resolvedUsers[1], resolvedUsers[2], resolvedGroups[0], resolvedGroups[1]);
    }

    /// <summary>Records the layout, makes the DataProtection ring directories and key files, and sets every owner and mode.</summary>
    public static void Apply(DataDirectory data, MultiUserLayout layout)
    {
        foreach (var role in new[] { DataProtectionRoles.FrontEnd, DataProtectionRoles.Console })
        {
            Directory.CreateDirectory(data.DataProtectionDirectory(role));
            DataProtectionKeyEncryptionKey.OpenOrCreate(data.DataProtectionKeyFile(role));
        }

        layout.Record(data);
        LayoutRules.Apply(LayoutRules.Fixed(data, layout).Concat(LayoutRules.Items(data, layout)));
    }

    /// <summary>
    /// A restored multi-user instance gets its layout back, with the ids its users and groups have on this machine
    /// (looked up by name; the recorded id where there is no such name). Nothing happens for a single-user instance.
    /// </summary>
    public static void Restore(DataDirectory data)
    {
        if (data.Layout is not { } recorded)
        {
            return;
        }

        if (UnixFiles.EffectiveUserId != 0)
        {
            throw new DataDirectoryException("This backup is of a multi-user instance, whose files belong to three users: restore it as root. Nothing was changed.");
        }

        UnixAccount Here(UnixAccount account, string database) => Lookup(account.Name, database) ?? account;
        Apply(data, new MultiUserLayout(
            Here(recorded.FrontEnd, "/etc/passwd"), Here(recorded.Worker, "/etc/passwd"), Here(recorded.Console, "/etc/passwd"),
            Here(recorded.SharedGroup, "/etc/group"), Here(recorded.BackendGroup, "/etc/group")));
    }

    // A name from /etc/passwd or /etc/group, or a number (an id with no entry there, as in tests and containers).
    private static UnixAccount Resolve(string nameOrId, string database, string kind, string create)
    {
        return Lookup(nameOrId, database) ?? (uint.TryParse(nameOrId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? new UnixAccount(nameOrId, id)
            : throw new DataDirectoryException($"There is no {kind} '{nameOrId}'. Create it first ({create} {nameOrId}; see ops/guides/install.md) or give its id. Nothing was created."));
    }

    private static UnixAccount? Lookup(string nameOrId, string database)
    {
        var entry = File.ReadLines(database).Select(line => line.Split(':'))
            .FirstOrDefault(fields => fields.Length >= 3 && (fields[0] == nameOrId || fields[2] == nameOrId));
        return entry is null ? null : new UnixAccount(entry[0], uint.Parse(entry[2], CultureInfo.InvariantCulture));
    }

    /// <summary>The front end's user as the self-audit sees it: its groups from /etc/group, or the layout's shared group.</summary>
    public static UnixUser FrontEndUser(MultiUserLayout layout)
    {
        var known = UnixAccess.FindUser(layout.FrontEnd.Name);
        var groups = known is null ? [] : new HashSet<uint>(known.Groups);
        groups.Add(layout.SharedGroup.Id);
        return new UnixUser(layout.FrontEnd.Name, layout.FrontEnd.Id, groups);
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;

namespace SecureDrop.Net.Core.Data.Layout;

/// <summary>Which process opens a data directory: a service role, or the operator's sdnet command.</summary>
public enum ServiceRole
{
    Operator,
    FrontEnd,
    Worker,
    Console,
}

/// <summary>A Unix user or group, by name (for messages) and id (what the kernel checks).</summary>
public sealed record UnixAccount(string Name, uint Id)
{
    public override string ToString() => Name == Id.ToString(System.Globalization.CultureInfo.InvariantCulture) ? Name : $"{Name} ({Id})";
}

/// <summary>
/// The production layout: front end, worker and console under three users. <see cref="SharedGroup"/> holds all
/// three (traverse the data directory, read the public key and settings); <see cref="BackendGroup"/> holds the
/// worker and the console only (intake items, the vault), so the front end's user cannot read the vault back. The
/// secret newsroom keys, the vault-key wraps and the console's DataProtection ring belong to the console's user
/// alone; the front end's ring and the source salt to the front end's user alone. Recorded in instance.json.
/// </summary>
public sealed record MultiUserLayout(UnixAccount FrontEnd, UnixAccount Worker, UnixAccount Console, UnixAccount SharedGroup, UnixAccount BackendGroup)
{
    private const string Property = "Layout";

    public UnixAccount? UserOf(ServiceRole role) => role switch
    {
        ServiceRole.FrontEnd => FrontEnd,
        ServiceRole.Worker => Worker,
        ServiceRole.Console => Console,
        _ => null,
    };

    /// <summary>The layout recorded in the instance file, or null for the single-user (owner-only) layout.</summary>
    public static MultiUserLayout? Read(DataDirectory data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var node = JsonNode.Parse(File.ReadAllBytes(data.InstanceFile))?[Property];
        return node?.Deserialize<MultiUserLayout>();
    }

    /// <summary>The store recorded at init: "Sqlite" or "PostgreSql".</summary>
    public static string? RecordedDatabase(DataDirectory data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return (string?)JsonNode.Parse(File.ReadAllBytes(data.InstanceFile))?["Database"];
    }

    /// <summary>Records this layout in the instance file (readable by all three users).</summary>
    public void Record(DataDirectory data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var instance = JsonNode.Parse(File.ReadAllBytes(data.InstanceFile))?.AsObject()
            ?? throw new DataDirectoryException($"'{data.InstanceFile}' is damaged. Restore it from a backup.");
        instance[Property] = JsonSerializer.SerializeToNode(this);
        DataDirectory.WritePublicFile(data.InstanceFile, JsonSerializer.SerializeToUtf8Bytes(instance), replace: true);
    }
}

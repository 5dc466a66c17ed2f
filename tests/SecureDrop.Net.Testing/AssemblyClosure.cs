using System.Reflection;

namespace SecureDrop.Net.Testing;

/// <summary>
/// Which of our assemblies a host can run: at build time, the transitive closure of its assembly references; at run
/// time, the assemblies a live process has mapped (from /proc/PID/maps). The trust zones are projects, so these
/// are the facts a test of "the front end cannot open a newsroom key" should look at, not type names.
/// </summary>
public static class AssemblyClosure
{
    private const string Ours = "SecureDrop.Net.";

    /// <summary>The names of our assemblies that <paramref name="root"/> references, directly or not, itself included.</summary>
    public static IReadOnlySet<string> Of(Assembly root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var seen = new HashSet<string>(StringComparer.Ordinal) { root.GetName().Name! };
        var pending = new Queue<Assembly>([root]);
        while (pending.TryDequeue(out var assembly))
        {
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                if (IsOurs(reference.Name) && seen.Add(reference.Name!))
                {
                    pending.Enqueue(Assembly.Load(reference));
                }
            }
        }

        return seen;
    }

    /// <summary>The names of our assemblies (and sdnet's) that process <paramref name="processId"/> has loaded.</summary>
    public static IReadOnlySet<string> LoadedBy(int processId) =>
        File.ReadLines($"/proc/{processId}/maps")
            .Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length == 6)
            .Select(fields => Path.GetFileName(fields[5].Trim()))
            .Where(file => file.EndsWith(".dll", StringComparison.Ordinal) && (IsOurs(file) || file == "sdnet.dll"))
            .Select(file => file[..^".dll".Length])
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>The name of the assembly that defines <paramref name="type"/>.</summary>
    public static string NameOf(Type type) => (type ?? throw new ArgumentNullException(nameof(type))).Assembly.GetName().Name!;

    private static bool IsOurs(string? name) => name is not null && name.StartsWith(Ours, StringComparison.Ordinal);
}

using System.Diagnostics;

namespace SecureDrop.Net.Core.Setup;

/// <summary>
/// Environment variables every service process (front end, worker, console) starts with, for memory that stays
/// flat over days. They must be in place before the process starts (glibc and the GC read them once, at start-up),
/// so they are set by whatever starts the services: <c>sdnet run</c> for its children, the systemd units in
/// ops/systemd (<c>Environment=</c>, kept equal to these by a test), and the benchmarks.
/// </summary>
/// <remarks>
/// Measured with the 10-minute soak (benchmarks/RESULTS.md): without them the worker grew from 194 to 242 MiB
/// after warm-up with 13 MiB of live managed data. glibc gives each thread that allocates its own malloc arena (up
/// to 8 per core), and SQLite, OpenSSL and the runtime allocate from many pool threads, so free memory scatters over
/// arenas that are never returned; two arenas bound that. The GC sizes its youngest generation from the CPU's last-
/// level cache (260 MiB here, so a budget of ~200 MiB of garbage between collections); an 8 MiB budget costs more,
/// cheaper collections and keeps resident memory near what is live. In the 1 GiB upload benchmark it was also the
/// faster of 8 and 32 MiB (389–395 against 343–376 MiB/s, interleaved runs, 2026-11-28).
/// </remarks>
public static class ServiceEnvironment
{
    /// <summary>The variables and their values; an operator's own value for one of them is left in place.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Variables { get; } =
    [
        new("MALLOC_ARENA_MAX", "2"),
        new("DOTNET_GCgen0size", "0x800000"),
    ];

    /// <summary>Adds the variables to a child's environment, unless the parent's environment already sets them.</summary>
    public static void ApplyTo(ProcessStartInfo start)
    {
        ArgumentNullException.ThrowIfNull(start);
        foreach (var (name, value) in Variables)
        {
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name)))
            {
                start.Environment[name] = value;
            }
        }
    }
}

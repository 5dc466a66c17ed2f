using System.Diagnostics;
using SecureDrop.Net.Core.Data.Layout;

namespace SecureDrop.Net.Core.Setup;

/// <summary>
/// Environment variables each service process (front end, worker, console) starts with, for memory that stays
/// flat over days and, in the front end, within its budget. They must be in place before the process starts (glibc
/// and the runtime read them once, at start-up), so they are set by whatever starts the services: <c>sdnet run</c>
/// for its children, the systemd units in ops/systemd (<c>Environment=</c>, kept equal to these by a test), and the
/// benchmarks.
/// </summary>
/// <remarks>
/// Every service: measured with the 10-minute soak (benchmarks/RESULTS.md), without them the worker grew from 194 to
/// 242 MiB after warm-up with 13 MiB of live managed data. glibc gives each thread that allocates its own malloc
/// arena (up to 8 per core), and SQLite, OpenSSL and the runtime allocate from many pool threads, so free memory
/// scatters over arenas that are never returned; two arenas bound that. The GC sizes its youngest generation from
/// the CPU's last-level cache (260 MiB here, so a budget of ~200 MiB of garbage between collections); an 8 MiB
/// budget costs more, cheaper collections and keeps resident memory near what is live. In the 1 GiB upload
/// benchmark it was also the faster of 8 and 32 MiB (389–395 against 343–376 MiB/s, interleaved runs, 2026-11-28).
/// <para>
/// The front end, whose peak during a 1 GiB upload is held under 150 MiB (benchmarks/RESULTS.md), also runs:
/// with its precompiled (ReadyToRun) code recompiled only for methods called 2,048 times (not 30) and without
/// profile-guided instrumentation, so the code that runs once per request is not compiled a second time once warm
/// (~10 MiB of code and compiler memory after forty uploads) while the upload's per-chunk path still is (turning
/// tiered compilation off altogether saved as much but cost 5–10 % of the upload rate); and with invariant
/// globalization, so it does not load ICU (~7 MiB). Its pages are English and Korean from resource files, and it
/// formats nothing by culture (sizes and counts are culture-invariant); with predefined cultures only off, "ko"
/// still names a culture for resource lookup.
/// </para>
/// </remarks>
public static class ServiceEnvironment
{
    private static readonly KeyValuePair<string, string>[] Common =
    [
        new("MALLOC_ARENA_MAX", "2"),
        new("DOTNET_GCgen0size", "0x800000"),
    ];

    private static readonly KeyValuePair<string, string>[] FrontEnd =
    [
        .. Common,
        new("DOTNET_TieredPGO", "0"),
        new("DOTNET_TC_CallCountThreshold", "0x800"),
        new("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1"),
        new("DOTNET_SYSTEM_GLOBALIZATION_PREDEFINED_CULTURES_ONLY", "0"),
    ];

    /// <summary>The variables and their values for a role; an operator's own value for one of them is left in place.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> For(ServiceRole role) => role == ServiceRole.FrontEnd ? FrontEnd : Common;

    /// <summary>Adds a role's variables to a child's environment, unless the parent's environment already sets them.</summary>
    public static void ApplyTo(ProcessStartInfo start, ServiceRole role)
    {
        ArgumentNullException.ThrowIfNull(start);
        foreach (var (name, value) in For(role))
        {
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name)))
            {
                start.Environment[name] = value;
            }
        }
    }
}

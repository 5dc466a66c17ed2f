using System.Diagnostics;

namespace SecureDrop.Net.Proof.Tests.Faults;

/// <summary>
/// A test that needs a small tmpfs (a full disk on demand): skipped with the reason, never passed silently, where
/// this machine does not permit `mount -t tmpfs` (not root, or no CAP_SYS_ADMIN in the container).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class TmpfsFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Refusal = new(Probe);

    public TmpfsFactAttribute()
    {
        if (Refusal.Value is { } reason)
        {
            Skip = "Needs `mount -t tmpfs` for a full disk, which this machine refused (run as root, or give the container CAP_SYS_ADMIN): " + reason;
        }
    }

    private static string? Probe()
    {
        var directory = Directory.CreateTempSubdirectory("sdnet-tmpfs-probe").FullName;
        try
        {
            var (mounted, error) = Run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", directory);
            if (!mounted)
            {
                return error.Trim();
            }

            Run("umount", directory);
            return null;
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            return exception.Message;
        }
        finally
        {
            Directory.Delete(directory);
        }
    }

    internal static (bool Ok, string Error) Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program, arguments) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode == 0, error);
    }
}

using System.Runtime.InteropServices;

namespace SecureDrop.Net.Cli;

/// <summary>Process-wide settings applied before any command runs.</summary>
internal static partial class ProcessHardening
{
    private const int OwnerOnlyMask = 0b000_111_111; // 077: no group or other bits on anything this process creates

    /// <summary>
    /// Every file sdnet creates (databases and their journals, DataProtection keys, ciphertext, exports) is the
    /// owner's alone, whatever the operator's shell umask; .NET has no API for umask, hence the P/Invoke.
    /// </summary>
    public static void RestrictNewFilesToOwner()
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            _ = Umask(OwnerOnlyMask);
        }
    }

    [LibraryImport("libc", EntryPoint = "umask")]
    private static partial int Umask(int mask);
}

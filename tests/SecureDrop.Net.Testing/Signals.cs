using System.Diagnostics;

namespace SecureDrop.Net.Testing;

public static class Signals
{
    /// <summary>SIGTERM through kill(1): .NET itself can only send SIGKILL to another process.</summary>
    public static void Terminate(int pid)
    {
        using var kill = Process.Start("kill", ["-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }
}

namespace SecureDrop.Net.EndToEnd.Tests;

/// <summary>Roles of an instance as real sdnet processes, started and waited for.</summary>
internal static class Serving
{
    public static async Task<SdnetProcess> StartAsync(TestInstance instance, string role, Uri? address = null)
    {
        string[] url = address is null ? [] : ["--url", address.ToString().TrimEnd('/')];
        var process = SdnetProcess.Start(["serve", role, "--data", instance.Data.Root, .. url], instance.Environment);
        if (address is not null)
        {
            await process.WaitUntilServingAsync(new Uri(address, role == "reviewer" ? "/login" : "/"));
        }

        return process;
    }

    public static Uri FreeAddress() => new($"http://127.0.0.1:{Ports.FreeLoopbackPort()}");

    /// <summary>Polls a condition; fails with the process's output if it exits or the generous limit passes.</summary>
    public static Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, SdnetProcess process) =>
        Poll.UntilAsync(condition, timeout, "the condition", process);
}

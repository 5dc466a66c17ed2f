using SecureDrop.Net.Testing;

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
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            await WaitUntilAsync(async () =>
            {
                try
                {
                    using var response = await http.GetAsync(new Uri(address, role == "reviewer" ? "/login" : "/"));
                    return response.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(60), process);
        }

        return process;
    }

    public static Uri FreeAddress() => new($"http://127.0.0.1:{Ports.FreeLoopbackPort()}");

    /// <summary>Polls a condition; fails with the process's output if it exits or the generous limit passes.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, SdnetProcess process)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.False(process.HasExited, "The process exited early:\n" + process.Output);
            Assert.True(clock.Elapsed < timeout, $"Gave up after {timeout.TotalSeconds} s:\n" + process.Output);
            await Task.Delay(200);
        }
    }
}

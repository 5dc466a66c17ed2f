using System.Diagnostics;
using Xunit;

namespace SecureDrop.Net.Testing;

/// <summary>
/// Waiting for something a real process or server does in its own time. The bounds are generous (a loaded 2-core
/// machine), never a speed check; a failure says what was awaited and, with a process, what it printed.
/// </summary>
public static class Poll
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds; fails when <paramref name="process"/> exits or the bound
    /// passes, with the process's output or <paramref name="details"/> (for example several processes' output).
    /// </summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, SdnetProcess? process = null, Func<string>? details = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.False(process?.HasExited == true, $"The process exited before {what}:\n{process?.Output}");
            Assert.True(clock.Elapsed < timeout, $"Not seen within {timeout.TotalSeconds} s: {what}.\n{process?.Output}{details?.Invoke()}");
            await Task.Delay(Interval);
        }
    }

    /// <summary>Polls GET <paramref name="address"/> until it answers 200 (a refused or slow attempt is tried again).</summary>
    public static async Task UntilAnswersAsync(Uri address, TimeSpan timeout, SdnetProcess? process = null)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await UntilAsync(async () =>
        {
            try
            {
                using var response = await http.GetAsync(address);
                return response.StatusCode == HttpStatusCode.OK;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // Refused while starting, or one poll timed out on a busy machine: poll again within the bound.
                return false;
            }
        }, timeout, $"{address} answering 200", process);
    }
}

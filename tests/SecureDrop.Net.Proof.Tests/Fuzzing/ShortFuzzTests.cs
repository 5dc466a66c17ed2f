using System.Diagnostics;
using System.Globalization;

namespace SecureDrop.Net.Proof.Tests.Fuzzing;

/// <summary>
/// The short fuzz run of CI: for each parser that sees attacker bytes, the committed seed corpus and regression inputs
/// (fuzz/corpus, fuzz/regressions) are replayed and then mutated for a bounded number of inputs (at most a few
/// seconds), in a child process running fuzz/SecureDrop.Net.Fuzz. Any exception other than the documented one
/// (CryptoException for keys and messages; a 4xx page for multipart ingress) or a broken invariant fails the test and
/// leaves the input under fuzz-findings/. The seed is fixed so a failure reproduces; SDNET_FUZZ_SEED changes it.
/// The long run (AFL++ with SharpFuzz instrumentation) is fuzz/run-long.sh.
/// </summary>
public sealed class ShortFuzzTests
{
    [Theory]
    [InlineData("codename", 20_000)]
    [InlineData("public-key", 200)]
    [InlineData("secret-key", 80)]
    [InlineData("message", 2_000)]
    [InlineData("multipart", 300)]
    public async Task Parser_UnderMutatedInput_FailsOnlyTheDocumentedWay(string target, int iterations)
    {
        var seed = Environment.GetEnvironmentVariable("SDNET_FUZZ_SEED") is { Length: > 0 } configured ? configured : "20261127";
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "sdnet-fuzz.dll"), "mutate", target, iterations.ToString(CultureInfo.InvariantCulture), "5", seed })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using (var bound = new CancellationTokenSource(TimeSpan.FromMinutes(3)))
        {
            try
            {
                await process.WaitForExitAsync(bound.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
        }

        var report = await output + await errors;
        Assert.True(process.ExitCode == 0, $"sdnet-fuzz mutate {target} exited {process.ExitCode}:\n{report}");
        Assert.Contains($"{target}: ", report, StringComparison.Ordinal);
        Assert.Contains("findings 0", report, StringComparison.Ordinal);
    }
}

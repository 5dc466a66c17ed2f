using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace SecureDrop.Net.Cli.Tests.Ops;

/// <summary>
/// The production files in ops/ as the tools judge them: systemd's own exposure score for each unit must not rise
/// above the score ops/README.md states, and Tor must accept the torrc. Both tools come from
/// ops/dev/install-test-dependencies.sh (systemd-analyze works offline; systemd need not be PID 1).
/// </summary>
public sealed partial class OpsFilesTests
{
    [Theory]
    [InlineData("sdnet-frontend.service")]
    [InlineData("sdnet-console.service")]
    [InlineData("sdnet-worker.service")]
    public async Task Unit_ExposureScore_IsNoWorseThanTheDocumentedOne(string unit)
    {
        var documented = DocumentedScores()[unit];

        var (code, output) = await RunAsync("systemd-analyze", "security", "--offline=yes", "--no-pager", Path.Combine(Ops, "systemd", unit));

        Assert.True(code is 0 or 1, output);
        var score = decimal.Parse(ExposureLine().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(score <= documented, $"{unit}: exposure {score}, ops/README.md states {documented}.\n{output}");
    }

    [Theory]
    [InlineData("sdnet-frontend.service", Core.Data.Layout.ServiceRole.FrontEnd)]
    [InlineData("sdnet-console.service", Core.Data.Layout.ServiceRole.Console)]
    [InlineData("sdnet-worker.service", Core.Data.Layout.ServiceRole.Worker)]
    public async Task Unit_StartsTheServiceWithTheServiceEnvironment(string unit, Core.Data.Layout.ServiceRole role)
    {
        var lines = await File.ReadAllLinesAsync(Path.Combine(Ops, "systemd", unit));

        var assignments = lines.Where(line => line.StartsWith("Environment=", StringComparison.Ordinal))
            .SelectMany(line => line["Environment=".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToList();
        var expected = Core.Setup.ServiceEnvironment.For(role).Select(variable => $"{variable.Key}={variable.Value}").ToList();
        Assert.Equal(expected, assignments);
    }

    [Fact]
    public async Task Torrc_IsValidForTor()
    {
        using var temp = new TempDirectory("sdnet-torrc");
        var torrc = (await File.ReadAllTextAsync(Path.Combine(Ops, "tor", "torrc"))).Replace("/var/lib/tor/", temp.Path + "/", StringComparison.Ordinal);
        var file = temp.Combine("torrc");
        await File.WriteAllTextAsync(file, $"DataDirectory {temp.Combine("data")}\n{torrc}");

        var (code, output) = await RunAsync("tor", "--verify-config", "-f", file);

        Assert.True(code == 0, output);
        Assert.Contains("Configuration was valid", output, StringComparison.Ordinal);
        Assert.Contains("HiddenServicePoWDefensesEnabled 1", torrc, StringComparison.Ordinal);
    }

    private static string Ops => Repository.Ops;

    private static Dictionary<string, decimal> DocumentedScores() =>
        DocumentedScore().Matches(File.ReadAllText(Path.Combine(Ops, "README.md")))
            .ToDictionary(match => match.Groups[1].Value, match => decimal.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture), StringComparer.Ordinal);

    private static async Task<(int Code, string Output)> RunAsync(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException($"{tool} is not installed: run ops/dev/install-test-dependencies.sh.", exception);
        }

        using (process)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var error = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await output + await error);
        }
    }

    [GeneratedRegex(@"Overall exposure level for [^:]+: ([0-9]+\.[0-9])")]
    private static partial Regex ExposureLine();

    [GeneratedRegex(@"\| `(sdnet-[a-z]+\.service)` \| ([0-9]+\.[0-9]) \|")]
    private static partial Regex DocumentedScore();
}

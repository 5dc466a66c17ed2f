using System.Diagnostics;

namespace SecureDrop.Net.Cli.Tests.Tor;

/// <summary>
/// sdnet tor torrc: both onion services, the front end's with the proof-of-work defence and circuit-id export, one
/// HiddenServicePort per front end; tor accepts it; ops/tor/torrc is exactly its output for the production layout.
/// </summary>
public sealed class TorrcCommandTests
{
    [Fact]
    public async Task ProductionLayout_IsExactlyOpsTorrc()
    {
        using var instance = await TestInstance.CreateAsync();

        var output = await TorrcAsync(instance, "--frontend", "http://unix:/run/sdnet-frontend/frontend.sock", "--console", "http://unix:/run/sdnet-console/console.sock");

        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(Repository.Ops, "tor", "torrc")), output);
    }

    [Fact]
    public async Task SingleUserInstance_PointsAtSdnetRunsAddresses_AndTorAcceptsIt()
    {
        using var instance = await TestInstance.CreateAsync();
        using var tor = new TempDirectory("sdnet-torrc");

        var output = await TorrcAsync(instance, "--tor-dir", tor.Path);

        Assert.Contains("HiddenServicePort 80 127.0.0.1:8080\n", output, StringComparison.Ordinal);
        Assert.Contains("HiddenServicePort 80 127.0.0.1:8081\n", output, StringComparison.Ordinal);
        Assert.Contains("HiddenServicePoWDefensesEnabled 1\n", output, StringComparison.Ordinal);
        Assert.Contains("HiddenServiceExportCircuitID haproxy\n", output, StringComparison.Ordinal);
        Assert.Contains($"HiddenServiceDir {tor.Path}/sdnet-console/\n", output, StringComparison.Ordinal);
        var file = tor.Combine("torrc");
        await File.WriteAllTextAsync(file, $"DataDirectory {tor.Combine("data")}\n{output}");
        var (verified, said) = await VerifyAsync(file);
        Assert.True(verified, said);
    }

    [Fact]
    public async Task SeveralFrontEnds_ShareTheOnionAddress_OnePortLineEach()
    {
        using var instance = await TestInstance.CreateAsync();

        var output = await TorrcAsync(instance, "--frontend", "http://unix:/run/sdnet-frontend/a.sock", "--frontend", "http://127.0.0.1:8090");

        var frontEnd = output[..output.IndexOf("## The journalists' console", StringComparison.Ordinal)];
        Assert.Contains("HiddenServicePort 80 unix:/run/sdnet-frontend/a.sock\nHiddenServicePort 80 127.0.0.1:8090\n", frontEnd, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://10.0.0.5:8080")]
    [InlineData("https://127.0.0.1:8443")]
    [InlineData("http://unix:relative.sock")]
    public async Task AnAddressTorCannotReach_IsRefusedWithTheForms(string url)
    {
        using var instance = await TestInstance.CreateAsync();

        var (code, _, error) = await RunAsync(null, "tor", "torrc", "--data", instance.Data.Root, "--frontend", url);

        AssertFails(code, error, "http://unix:/");
    }

    /// <summary>The torrc sdnet writes for <paramref name="instance"/> with <paramref name="args"/>; the command must succeed.</summary>
    private static async Task<string> TorrcAsync(TestInstance instance, params string[] args)
    {
        var (code, output, error) = await RunAsync(null, ["tor", "torrc", "--data", instance.Data.Root, .. args]);
        Assert.True(code == 0, error);
        return output;
    }

    private static async Task<(bool Valid, string Output)> VerifyAsync(string torrc)
    {
        var start = new ProcessStartInfo("tor", ["--verify-config", "-f", torrc]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode == 0 && output.Contains("Configuration was valid", StringComparison.Ordinal), output);
    }
}

using SecureDrop.Net.Cli.Check;

namespace SecureDrop.Net.Cli.Tests.Check;

/// <summary>sdnet check on what re-opens arrival times to a seizure: a short ingest window, access times on every read.</summary>
public sealed class MetadataCheckTests
{
    [Fact]
    public async Task WindowShorterThanTheDefault_IsFlaggedWithTheFix()
    {
        using var instance = await TestInstance.CreateAsync();
        var settings = Path.Combine(instance.Root, "short-window.env");
        await File.WriteAllTextAsync(settings, "Ingest__Window=00:10:00\n");
        using var output = new StringWriter();

        var code = await Sdnet.RunAsync(["check", "--data", instance.Data.Root, "--settings", settings], output, new StringWriter());

        Assert.Equal(1, code);
        Assert.Contains("WEAK  ingest window: tips are ingested every 10 min", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("Ingest__Window", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultWindow_Passes() =>
        Assert.Equal(Verdict.Ok, MetadataChecks.IngestWindow(null, null).Verdict);

    [Theory]
    [InlineData("rw,nosuid,relatime", "ok")]
    [InlineData("rw,noatime", "ok")]
    [InlineData("rw,nosuid,nodev", "weak")] // neither relatime nor noatime: strictatime
    public void AccessTimesOfTheDataDirectorysMount_AreJudgedByItsOptions(string options, string expected)
    {
        var directory = Directory.CreateTempSubdirectory("sdnet-mountinfo-");
        var mountInfo = Path.Combine(directory.FullName, "mountinfo");
        try
        {
            // The data directory sits on /srv/sdnet data (a space, escaped as mountinfo does), inside the root mount.
            File.WriteAllLines(mountInfo,
            [
                "26 1 254:0 / / rw,relatime - ext4 /dev/vda rw",
                $"90 26 254:1 / /srv/sdnet\\040data {options} - ext4 /dev/vdb rw",
            ]);

            var result = MetadataChecks.AccessTimes("/srv/sdnet data/instance", mountInfo);

            Assert.Equal(expected == "ok" ? Verdict.Ok : Verdict.Weak, result.Verdict);
            Assert.Contains("/srv/sdnet data", result.Detail, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}

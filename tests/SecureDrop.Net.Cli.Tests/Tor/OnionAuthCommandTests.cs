using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Org.BouncyCastle.Crypto.Parameters;
using SecureDrop.Net.Custody.Journalists;
using SecureDrop.Net.Vault.Audit;

namespace SecureDrop.Net.Cli.Tests.Tor;

/// <summary>
/// sdnet journalist onion-auth: one x25519 key per journalist device in the console's onion service directory, in
/// tor's formats; the private half printed once; revocation, and disabling a journalist revokes every device; each
/// change audited; the service never left without client authorisation. (tor reading these files is proven in the
/// end-to-end tests over the private Tor network.)
/// </summary>
public sealed partial class OnionAuthCommandTests
{
    private const string Onion = "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcd.onion";

    [Fact]
    public async Task Add_WritesThePublicHalfForTor_AndPrintsTheMatchingPrivateLineOnce()
    {
        using var instance = await TestInstance.CreateAsync();
        var service = ServiceDirectory(instance);

        var (code, output, error) = await RunAsync(null, "journalist", "onion-auth", "add", "admin", "--device", "laptop", "--data", instance.Data.Root, "--tor-dir", service);

        Assert.True(code == 0, error);
        var publicLine = File.ReadAllText(Path.Combine(service, "authorized_clients", "admin-laptop.auth")).Trim();
        Assert.Matches("^descriptor:x25519:[A-Z2-7]{52}$", publicLine);
        var privateLine = PrivateLine().Match(output);
        Assert.True(privateLine.Success, output);
        Assert.Equal(Onion[..^".onion".Length], privateLine.Groups[1].Value);
        var secret = new X25519PrivateKeyParameters(OtpNet.Base32Encoding.ToBytes(privateLine.Groups[2].Value + "===="));
        Assert.Equal(publicLine["descriptor:x25519:".Length..], OtpNet.Base32Encoding.ToString(secret.GeneratePublicKey().GetEncoded()).TrimEnd('='));
        Assert.Contains("Reload tor", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(service, "authorized_clients", "CLOSED.auth")));
        var admin = (await new JournalistStore(instance.Database, TimeProvider.System).FindByUsernameAsync("admin"))!;
        Assert.Contains(await new AuditLog(instance.Database, TimeProvider.System).RecentAsync(5), e => e.Action == "add console onion key for device laptop (sdnet)" && e.Subject == admin.Id);
        var (_, list, _) = await RunAsync(null, "journalist", "onion-auth", "list", "--data", instance.Data.Root);
        Assert.Matches(@"admin\s+laptop\s+active", list);
        Assert.DoesNotContain(privateLine.Groups[2].Value, list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_Refuses_ASecondKeyForTheDevice_AnUnknownOrDisabledJournalist_AndAServiceTorHasNotMade()
    {
        using var instance = await TestInstance.CreateAsync();
        var service = ServiceDirectory(instance);
        string[] add = ["journalist", "onion-auth", "add", "admin", "--device", "phone", "--data", instance.Data.Root, "--tor-dir", service];
        Assert.Equal(0, (await RunAsync(null, add)).Code);

        var again = await RunAsync(null, add);
        var unknown = await RunAsync(null, "journalist", "onion-auth", "add", "nobody", "--device", "phone", "--data", instance.Data.Root, "--tor-dir", service);
        var badLabel = await RunAsync(null, "journalist", "onion-auth", "add", "admin", "--device", "My Phone", "--data", instance.Data.Root, "--tor-dir", service);
        var noService = await RunAsync(null, "journalist", "onion-auth", "add", "admin", "--device", "tablet", "--data", instance.Data.Root, "--tor-dir", Path.Combine(instance.Root, "missing"));
        await RunAsync(null, "journalist", "disable", "admin", "--data", instance.Data.Root);
        var disabled = await RunAsync(null, "journalist", "onion-auth", "add", "admin", "--device", "tablet", "--data", instance.Data.Root, "--tor-dir", service);

        AssertFails(again.Code, again.Error, "already has a key for the device 'phone'");
        AssertFails(unknown.Code, unknown.Error, "no account named 'nobody'");
        Assert.Equal(2, badLabel.Code);
        Assert.Contains("device label is 1 to 32 characters", badLabel.Error, StringComparison.Ordinal);
        AssertFails(noService.Code, noService.Error, "has no hostname file");
        AssertFails(disabled.Code, disabled.Error, "is disabled");
    }

    [Fact]
    public async Task Revoke_RemovesTheKey_KeepsTheServiceClosed_AndSaysWhyToRestartTor()
    {
        using var instance = await TestInstance.CreateAsync();
        var service = ServiceDirectory(instance);
        await RunAsync(null, "journalist", "onion-auth", "add", "admin", "--device", "laptop", "--data", instance.Data.Root, "--tor-dir", service);

        var (code, output, error) = await RunAsync(null, "journalist", "onion-auth", "revoke", "admin", "--device", "laptop", "--data", instance.Data.Root);
        var missing = await RunAsync(null, "journalist", "onion-auth", "revoke", "admin", "--device", "laptop", "--data", instance.Data.Root);

        Assert.True(code == 0, error);
        Assert.Equal(["CLOSED.auth"], Directory.GetFiles(Path.Combine(service, "authorized_clients")).Select(Path.GetFileName));
        Assert.Contains("until tor restarts", output, StringComparison.Ordinal);
        AssertFails(missing.Code, missing.Error, "no key for 'admin' device 'laptop'");
        Assert.Contains(await new AuditLog(instance.Database, TimeProvider.System).RecentAsync(5), e => e.Action == "revoke console onion key for device laptop (sdnet)");
    }

    [Fact]
    public async Task Disable_RevokesEveryDeviceOfThatJournalist_AndNoOneElses()
    {
        using var instance = await TestInstance.CreateAsync();
        var service = ServiceDirectory(instance);
        await AsAdminAsync(instance, "journalist", "add", "alice");
        await AsAdminAsync(instance, "journalist", "add", "alice-b");
        foreach (var (name, device) in new[] { ("alice", "laptop"), ("alice", "phone"), ("alice-b", "phone") })
        {
            Assert.Equal(0, (await RunAsync(null, "journalist", "onion-auth", "add", name, "--device", device, "--data", instance.Data.Root, "--tor-dir", service)).Code);
        }

        var ambiguous = await RunAsync(null, "journalist", "onion-auth", "add", "alice", "--device", "b-tablet", "--data", instance.Data.Root, "--tor-dir", service);
        AssertFails(ambiguous.Code, ambiguous.Error, "would read as journalist 'alice-b''s");

        var (code, output, error) = await RunAsync(null, "journalist", "disable", "alice", "--data", instance.Data.Root);

        Assert.True(code == 0, error);
        Assert.Contains("Revoked the console onion keys of 2 device(s)", output, StringComparison.Ordinal);
        Assert.Equal(["CLOSED.auth", "alice-b-phone.auth"], Directory.GetFiles(Path.Combine(service, "authorized_clients")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var (_, list, _) = await RunAsync(null, "journalist", "onion-auth", "list", "--data", instance.Data.Root);
        Assert.Matches(@"alice-b\s+phone\s+active", list);
    }

    [Fact]
    public async Task TorPid_ReloadsTheProcessItNames()
    {
        using var instance = await TestInstance.CreateAsync();
        var service = ServiceDirectory(instance);
        var reloaded = Path.Combine(instance.Root, "reloaded");
        var ready = Path.Combine(instance.Root, "ready");
        // Stands in for tor: notes each SIGHUP, for at most 60 s. It says when its trap is set: a SIGHUP before that
        // would end it (on a loaded machine bash can take longer to start than any fixed pause). SIGHUP set back to its
        // default first: under nohup (a CI job started that way) it is ignored on entry, and bash cannot trap a signal
        // ignored on entry, so the reload would go unseen.
        using var stand = Process.Start("env", ["--default-signal=HUP", "bash", "-c", $"trap 'echo hup >> {reloaded}' HUP; touch {ready}; for i in $(seq 600); do sleep 0.1; done"])!;
        var pidFile = Path.Combine(instance.Root, "tor.pid");
        await File.WriteAllTextAsync(pidFile, stand.Id.ToString(CultureInfo.InvariantCulture) + "\n");
        await Poll.UntilAsync(() => Task.FromResult(File.Exists(ready)), TimeSpan.FromSeconds(30), "the stand-in for tor setting its SIGHUP trap");

        var (code, output, error) = await RunAsync(null, "journalist", "onion-auth", "add", "admin", "--device", "laptop", "--data", instance.Data.Root, "--tor-dir", service, "--tor-pid", pidFile);
        for (var i = 0; i < 300 && !File.Exists(reloaded); i++)
        {
            await Task.Delay(100);
        }

        stand.Kill();
        Assert.True(code == 0, error);
        Assert.Contains($"tor (pid {stand.Id}) reloaded", output, StringComparison.Ordinal);
        Assert.True(File.Exists(reloaded));
    }

    /// <summary>A console onion service directory as tor leaves it after its first start: a hostname file.</summary>
    private static string ServiceDirectory(TestInstance instance)
    {
        var service = Path.Combine(instance.Root, "sdnet-console");
        Directory.CreateDirectory(service);
        File.WriteAllText(Path.Combine(service, "hostname"), Onion + "\n");
        return service;
    }

    [GeneratedRegex(@"^([a-z2-7]{56}):descriptor:x25519:([A-Z2-7]{52})$", RegexOptions.Multiline)]
    private static partial Regex PrivateLine();
}

using System.Text.RegularExpressions;
using SecureDrop.Net.Custody.Journalists;
using SecureDrop.Net.Vault.Audit;

namespace SecureDrop.Net.Cli.Tests;

/// <summary>sdnet journalist: accounts from the shell, each change audit-logged, refusals changing nothing.</summary>
public sealed partial class JournalistCommandTests
{
    [Fact]
    public async Task Add_PrintsAGeneratedPassphraseThatOpensTheVaultKey_AndAudits()
    {
        using var instance = await TestInstance.CreateAsync();

        var (code, output, error) = await AsAdminAsync(instance, "journalist", "add", "rita", "--admin");

        Assert.True(code == 0, error);
        var passphrase = Passphrase().Match(output).Groups[1].Value.Trim();
        Assert.Equal(7, passphrase.Split(' ').Length);
        var store = new JournalistStore(instance.Database, TimeProvider.System);
        var rita = (await store.FindByUsernameAsync("rita"))!;
        Assert.True(rita.IsAdmin);
        Assert.NotNull(JournalistCredentials.Unlock(passphrase, rita.Secrets, rita.Id));
        Assert.Contains(await new AuditLog(instance.Database, TimeProvider.System).RecentAsync(5), e => e.Action == "add admin" && e.Subject == rita.Id);

        // The new admin can unlock sdnet in turn.
        (code, _, error) = await RunAsync(passphrase, "journalist", "add", "sam", "--data", instance.Data.Root, "--as", "rita");
        Assert.True(code == 0, error);
    }

    [Fact]
    public async Task Add_WithAWrongPassphrase_OrAnExistingName_IsRefused_AndAddsNobody()
    {
        using var instance = await TestInstance.CreateAsync();

        var (code, _, error) = await RunAsync("not the passphrase", "journalist", "add", "rita", "--data", instance.Data.Root, "--as", "admin");
        AssertFails(code, error, "wrong");

        (code, _, error) = await AsAdminAsync(instance, "journalist", "add", "admin");
        AssertFails(code, error, "already an account named 'admin'");
        Assert.Equal(["admin"], (await new JournalistStore(instance.Database, TimeProvider.System).ListAsync()).Select(j => j.Username));
    }

    [Fact]
    public async Task Disable_Unlock_Reset2fa_AndResetPassphrase_ChangeTheAccount()
    {
        using var instance = await TestInstance.CreateAsync();
        Assert.Equal(0, (await AsAdminAsync(instance, "journalist", "add", "rita")).Code);
        var store = new JournalistStore(instance.Database, TimeProvider.System);
        var rita = (await store.FindByUsernameAsync("rita"))!;
        await store.EnrolTotpAsync(rita.Id, [1, 2, 3], 5);
        await store.RecordFailedAttemptAsync(rita.Id, lockAt: 1);

        Assert.Equal(0, (await RunAsync(null, "journalist", "disable", "rita", "--data", instance.Data.Root)).Code);
        Assert.True((await store.FindByUsernameAsync("rita"))!.Disabled);
        Assert.Equal(0, (await RunAsync(null, "journalist", "unlock", "rita", "--data", instance.Data.Root)).Code);
        Assert.False((await store.FindByUsernameAsync("rita"))!.Locked);
        Assert.Equal(0, (await RunAsync(null, "journalist", "reset-2fa", "rita", "--data", instance.Data.Root)).Code);
        Assert.Null((await store.FindByUsernameAsync("rita"))!.TotpSecretSealed);

        var (code, output, error) = await AsAdminAsync(instance, "journalist", "reset-passphrase", "rita");
        Assert.True(code == 0, error);
        var passphrase = Passphrase().Match(output).Groups[1].Value.Trim();
        Assert.NotNull(JournalistCredentials.Unlock(passphrase, (await store.FindByUsernameAsync("rita"))!.Secrets, rita.Id));

        var (_, listing, _) = await RunAsync(null, "journalist", "list", "--data", instance.Data.Root);
        Assert.Matches(@"rita\s+journalist\s+disabled\s+not yet", listing);
        var actions = (await new AuditLog(instance.Database, TimeProvider.System).RecentAsync(10)).Select(e => e.Action).ToList();
        Assert.Contains("disable journalist (sdnet)", actions);
        Assert.Contains("reset passphrase", actions);
    }

    [Theory]
    [InlineData("disable")]
    [InlineData("unlock")]
    [InlineData("reset-2fa")]
    public async Task Commands_OnAnUnknownAccount_AreRefusedWithTheFix(string verb)
    {
        using var instance = await TestInstance.CreateAsync();

        var (code, _, error) = await RunAsync(null, "journalist", verb, "ghost", "--data", instance.Data.Root);

        AssertFails(code, error, "no account named 'ghost'", "sdnet journalist list");
    }

    [Fact]
    public async Task Unlock_AsADisabledAdmin_IsRefused()
    {
        using var instance = await TestInstance.CreateAsync();
        Assert.Equal(0, (await RunAsync(null, "journalist", "disable", "admin", "--data", instance.Data.Root)).Code);

        var (code, _, error) = await AsAdminAsync(instance, "journalist", "add", "rita");

        AssertFails(code, error, "disabled");
    }

    [GeneratedRegex(@"Passphrase:\s+(.+)")]
    private static partial Regex Passphrase();
}

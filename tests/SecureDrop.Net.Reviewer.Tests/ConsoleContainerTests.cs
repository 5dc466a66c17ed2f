using SecureDrop.Net.Vault.Audit;

namespace SecureDrop.Net.Reviewer.Tests;

/// <summary>
/// The console is where tips become readable, and only that: its real container holds custody (the sealed keys,
/// journalists) and the vault's rows, but neither the front end's codename derivation and submission writer nor the
/// worker's jobs and SMTP password.
/// </summary>
public sealed class ConsoleContainerTests
{
    [Fact]
    public async Task ConsoleContainer_HoldsCustodyAndTheVaultsRows_NotTheFrontEndsOrTheWorkersServices()
    {
        using var instance = await TestInstance.CreateAsync();
        Microsoft.Extensions.DependencyInjection.IServiceCollection? registered = null;
        await using var app = await RunningApp.StartAsync(url => ReviewerApp.Build(instance.Data, url, instance.Settings, services => registered = services));

        Assert.Contains(nameof(SealedNewsroomKeys), ZoneServices.NamesFrom(registered!, typeof(SealedNewsroomKeys)));
        Assert.Contains("JournalistStore", ZoneServices.NamesFrom(registered!, typeof(SealedNewsroomKeys)));
        var vault = ZoneServices.NamesFrom(registered!, typeof(AuditLog));
        Assert.Contains(nameof(AuditLog), vault);
        Assert.DoesNotContain("IngestJob", vault);
        Assert.DoesNotContain("NotifyJob", vault);
        Assert.DoesNotContain("SmtpPasswordStore", vault);
        var core = ZoneServices.NamesFrom(registered!, typeof(DataDirectory));
        Assert.DoesNotContain("SourceIdentity", core);
        Assert.DoesNotContain("SubmissionStore", core);
    }
}

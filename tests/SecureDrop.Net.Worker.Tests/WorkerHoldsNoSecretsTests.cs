using SecureDrop.Net.Core.Jobs;
using SecureDrop.Net.Vault.Notifications;

namespace SecureDrop.Net.Worker.Tests;

/// <summary>
/// The worker never holds a secret key (ARCHITECTURE, "Who holds which key"): its project graph reaches Core, Crypto
/// and the vault side, never the assemblies that open newsroom secret keys or the vault key, and its real container
/// holds the jobs and notifications it runs and nothing of the console's.
/// </summary>
public sealed class WorkerHoldsNoSecretsTests
{
    [Fact]
    public void WorkerAssemblyClosure_IsCoreCryptoAndVault_WithoutTheSecretSide()
    {
        var closure = AssemblyClosure.Of(typeof(WorkerApp).Assembly);

        Assert.Equal(["SecureDrop.Net.Core", "SecureDrop.Net.Crypto", "SecureDrop.Net.Vault", "SecureDrop.Net.Worker"], closure.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(AssemblyClosure.NameOf(typeof(NewsroomSecretKey)), closure);
        Assert.DoesNotContain(AssemblyClosure.NameOf(typeof(SealedNewsroomKeys)), closure);
        Assert.DoesNotContain(AssemblyClosure.NameOf(typeof(VaultKey)), closure);
    }

    [Fact]
    public async Task WorkerContainer_HoldsItsJobsAndNotifications_AndNothingOfTheConsoleOrTheFrontEnd()
    {
        using var instance = await TestInstance.CreateAsync();
        Microsoft.Extensions.DependencyInjection.IServiceCollection? registered = null;
        using var worker = WorkerApp.Build(instance.Data, instance.Settings, builder => registered = builder.Services);

        Assert.Equal(["SecureDrop.Net.Core", "SecureDrop.Net.Vault", "SecureDrop.Net.Worker"], ZoneServices.Assemblies(registered!).Order(StringComparer.Ordinal));
        var vault = ZoneServices.NamesFrom(registered!, typeof(IngestWindowJob));
        Assert.Contains(nameof(IngestWindowJob), vault);
        Assert.Contains(nameof(NotifyJob), vault);
        Assert.Contains(nameof(SmtpPasswordStore), vault);
        Assert.DoesNotContain("AuditLog", vault);
        Assert.DoesNotContain("SourceTriage", vault);
        var core = ZoneServices.NamesFrom(registered!, typeof(DataDirectory));
        Assert.Contains(nameof(IReplyDeletionJob), core);
        // The front end's own: the codename derivation.
        Assert.DoesNotContain("SourceIdentity", core);
    }
}

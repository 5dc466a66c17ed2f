using SecureDrop.Net.Custody.Journalists;
using SecureDrop.Net.Vault.Audit;
using SecureDrop.Net.Vault.Notifications;

namespace SecureDrop.Net.Submission.Tests;

/// <summary>
/// Invariant 3: the front end has no way to read a submission back. What it can run is what its project graph gives
/// it: SecureDrop.Net.Core and SecureDrop.Net.Crypto, never the assemblies with the code that opens a newsroom secret
/// key, unwraps the vault key or decrypts a newsroom item. Its real container registers only the front end's
/// services, and its key material on disk is the public key. (Which assemblies the running process loads is
/// checked on the real processes in the Proof tests, Zones/LoadedAssembliesTests.)
/// </summary>
public sealed class FrontEndHoldsNoSecretsTests
{
    [Fact]
    public void FrontEndAssemblyClosure_IsCoreAndCryptoOnly_WithoutTheSecretSide()
    {
        var closure = AssemblyClosure.Of(typeof(SubmissionApp).Assembly);

        Assert.Equal(["SecureDrop.Net.Core", "SecureDrop.Net.Crypto", "SecureDrop.Net.Submission"], closure.Order(StringComparer.Ordinal));
        // Found through the types that do the opening, so a rename cannot make this pass.
        Assert.DoesNotContain(AssemblyClosure.NameOf(typeof(NewsroomSecretKey)), closure);
        Assert.DoesNotContain(AssemblyClosure.NameOf(typeof(NewsroomKeyRing)), closure);
        Assert.DoesNotContain(AssemblyClosure.NameOf(typeof(SealedNewsroomKeys)), closure);
        Assert.DoesNotContain(AssemblyClosure.NameOf(typeof(VaultKey)), closure);
        Assert.DoesNotContain(AssemblyClosure.NameOf(typeof(JournalistCredentials)), closure);
        Assert.DoesNotContain(AssemblyClosure.NameOf(typeof(SmtpPasswordStore)), closure);
        // The narrow decryption the front end needs, a source's replies, stays within reach.
        Assert.Contains(AssemblyClosure.NameOf(typeof(SourceReplySecretKey)), closure);
        Assert.NotNull(typeof(MessageDecryptor).GetMethod(nameof(MessageDecryptor.Decrypt), [typeof(Stream), typeof(SourceReplySecretKey), typeof(Stream)]));
    }

    [Fact]
    public async Task FrontEndContainer_RegistersOnlyTheFrontEndsServices_AndItsKeyIsPublicOnly()
    {
        using var instance = await TestInstance.CreateAsync();
        IServiceCollection? registered = null;
        await using var app = await RunningApp.StartAsync(url => SubmissionApp.Build(instance.Data, url, instance.Settings, builder => registered = builder.Services));

        Assert.Equal(["SecureDrop.Net.Core", "SecureDrop.Net.Submission"], ZoneServices.Assemblies(registered!).Order(StringComparer.Ordinal));
        // Core's services the front end uses, by name: a registration added to Core's shared set fails here until
        // someone decides the front end needs it.
        Assert.Equal(
            ["DataDirectory", "DataProtectionKeyEncryptionKey", "DatabaseOptions", "DatabaseOptionsValidator", "IErrorPageText", "InstanceSettingsStore", "IntakeLedger", "ItemFiles", "MetadataDatabase",
             "NewsroomKeys", "PendingSources", "ReplyStore", "SchemaCheck", "SourceIdentity", "SourceReplyKeys", "SourceStore", "TransportBufferPoolFactory"],
            ZoneServices.NamesFrom(registered!, typeof(DataDirectory)));
        var container = app.App.Services.GetRequiredService<IServiceProviderIsService>();
        Assert.False(container.IsService(typeof(AuditLog)));
        Assert.False(container.IsService(typeof(NotificationStore)));
        var keys = app.App.Services.GetRequiredService<NewsroomKeys>();
        Assert.False(keys.LoadActivePublicKey().ToArmored().Contains("PRIVATE", StringComparison.Ordinal));
    }
}

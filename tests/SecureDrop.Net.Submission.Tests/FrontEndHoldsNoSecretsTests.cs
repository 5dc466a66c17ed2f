using Microsoft.Extensions.DependencyInjection;
using SecureDrop.Net.Core.Journalists;
using SecureDrop.Net.Core.Keys;
using SecureDrop.Net.Testing;

namespace SecureDrop.Net.Submission.Tests;

/// <summary>
/// Invariant 3: the front end has no way to read a submission back. Its container offers nothing that opens the
/// vault key or journalists' accounts, its key material on disk is the public key only, and the only secret key its
/// code ever names is a source's reply key (which opens replies to that source, never a submission).
/// </summary>
public sealed class FrontEndHoldsNoSecretsTests
{
    [Fact]
    public async Task FrontEndContainer_HasNoJournalistStore_AndItsKeyIsPublicOnly()
    {
        using var instance = await TestInstance.CreateAsync();
        await using var app = await RunningApp.StartAsync(url => SubmissionApp.Build(instance.Data, url, instance.Settings));

        Assert.Null(app.App.Services.GetService<JournalistStore>());
        var registered = app.App.Services.GetRequiredService<IServiceProviderIsService>();
        Assert.False(registered.IsService(typeof(JournalistStore)));
        var keys = app.App.Services.GetRequiredService<NewsroomKeys>();
        Assert.False(keys.LoadActivePublicKey().ToArmored().Contains("PRIVATE", StringComparison.Ordinal));
    }

    [Fact]
    public void FrontEndAssembly_DoesNotReferenceTheConsoleOrCallTheDecryptor()
    {
        var assembly = typeof(SubmissionApp).Assembly;

        Assert.DoesNotContain(assembly.GetReferencedAssemblies(), reference => reference.Name == "SecureDrop.Net.Reviewer");
        Assert.DoesNotContain(assembly.GetTypes(), type => type.Name.Contains("Decrypt", StringComparison.Ordinal));
    }

    [Fact]
    public void FrontEndAssembly_NeverNamesANewsroomSecretKey_OnlySourceReplyKeys()
    {
        using var file = File.OpenRead(typeof(SubmissionApp).Assembly.Location);
        using var pe = new System.Reflection.PortableExecutable.PEReader(file);
        var metadata = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
        var referenced = metadata.TypeReferences.Select(handle => metadata.GetString(metadata.GetTypeReference(handle).Name)).ToHashSet(StringComparer.Ordinal);

        Assert.DoesNotContain("NewsroomSecretKey", referenced);
        Assert.DoesNotContain("NewsroomKeyRing", referenced);
        Assert.DoesNotContain("VaultKey", referenced);
        Assert.Contains("SourceReplySecretKey", referenced);
    }
}

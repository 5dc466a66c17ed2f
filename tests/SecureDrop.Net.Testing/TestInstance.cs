using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Setup;
using SecureDrop.Net.Crypto;

namespace SecureDrop.Net.Testing;

/// <summary>A freshly initialised instance in a temporary directory, with its one-time secrets at hand.</summary>
public sealed class TestInstance : IDisposable
{
    private readonly TempDirectory _directory;

    private TestInstance(TempDirectory directory, InitialSecrets secrets)
    {
        _directory = directory;
        Secrets = secrets;
    }

    public InitialSecrets Secrets { get; }

    public DataDirectory Data => Secrets.Data;

    public string Root => _directory.Path;

    public static async Task<TestInstance> CreateAsync(NewsroomSecretKey? key = null)
    {
        var directory = new TempDirectory("sdnet-instance");
        using var generated = key is null ? NewsroomSecretKey.Generate("Test newsroom", TimeProvider.System.GetUtcNow()) : null;
        var secrets = await InstanceInitializer.InitializeAsync(directory.Combine("data"), key ?? generated!, TimeProvider.System);
        return new TestInstance(directory, secrets);
    }

    public void Dispose() => _directory.Dispose();
}

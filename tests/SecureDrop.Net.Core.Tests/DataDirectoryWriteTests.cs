using SecureDrop.Net.Core.Secrets;

namespace SecureDrop.Net.Core.Tests;

/// <summary>Files created in the data directory by processes that start together on one data directory.</summary>
public sealed class DataDirectoryWriteTests
{
    /// <summary>
    /// Two front ends started at once on a fresh data directory (ops/guides/several-front-ends.md) both create the
    /// submission role's DataProtection key file: both must end with the same key, neither fail on the other's
    /// half-written file (seen once in CI: "submission.key.tmp already exists").
    /// </summary>
    [Fact]
    public async Task TwoWritersCreatingOneKeyFileAtOnce_BothGetTheSameKey_AndNoTemporaryRemains()
    {
        using var directory = new TempDirectory();
        for (var round = 0; round < 300; round++)
        {
            var path = directory.Combine($"submission-{round}.key");
            using var start = new Barrier(2);
            var writers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
            {
                start.SignalAndWait();
                return DataProtectionKeyEncryptionKey.OpenOrCreate(path).Key.ToArray();
            })).ToArray();

            var keys = await Task.WhenAll(writers);

            Assert.Equal(keys[0], keys[1]);
            Assert.Equal(keys[0], await File.ReadAllBytesAsync(path));
        }

        Assert.Empty(Directory.GetFiles(directory.Path, "*.tmp"));
    }

    [Fact]
    public void ReplacingAFile_LeavesTheNewContent_AndNoTemporary()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine("settings.json");
        DataDirectory.WritePublicFile(path, "old"u8);

        DataDirectory.WritePublicFile(path, "new"u8, replace: true);

        Assert.Equal("new"u8.ToArray(), File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(directory.Path));
        Assert.Throws<IOException>(() => DataDirectory.WritePublicFile(path, "refused"u8));
        Assert.Equal([path], Directory.GetFiles(directory.Path));
    }
}

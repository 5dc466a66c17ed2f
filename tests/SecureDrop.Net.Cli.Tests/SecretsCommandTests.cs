namespace SecureDrop.Net.Cli.Tests;

public sealed class SecretsCommandTests
{
    [Fact]
    public async Task RotateDataProtection_WritesANewKeyPerRole_EncryptedAtRest()
    {
        using var instance = await TestInstance.CreateAsync();

        var (code, output, error) = await RunAsync(null, "secrets", "rotate-dataprotection", "--data", instance.Data.Root);

        Assert.True(code == 0, error);
        Assert.Contains("submission role", output, StringComparison.Ordinal);
        foreach (var role in new[] { "submission", "reviewer" })
        {
            var key = await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(instance.Data.DataProtectionDirectory(role), "key-*.xml")));
            Assert.Contains("AesGcmXmlDecryptor", key, StringComparison.Ordinal);
            Assert.DoesNotContain("masterKey", key, StringComparison.Ordinal);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(instance.Data.DataProtectionKeyFile(role)));
        }
    }

    [Fact]
    public async Task RotateDataProtection_WithADamagedKeyFile_IsRefused()
    {
        using var instance = await TestInstance.CreateAsync();
        await File.WriteAllBytesAsync(instance.Data.DataProtectionKeyFile("reviewer"), [1, 2, 3]);

        var (code, _, error) = await RunAsync(null, "secrets", "rotate-dataprotection", "--data", instance.Data.Root, "--role", "reviewer");

        AssertFails(code, error, "damaged");
        Assert.Empty(Directory.Exists(instance.Data.DataProtectionDirectory("reviewer")) ? Directory.GetFiles(instance.Data.DataProtectionDirectory("reviewer")) : []);
    }
}

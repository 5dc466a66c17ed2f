using Microsoft.Data.Sqlite;
using SecureDrop.Net.Core.Settings;

namespace SecureDrop.Net.Cli.Tests.Check;

/// <summary>sdnet check: each weakness it claims to detect, created on a fresh instance and flagged; a clean one passes.</summary>
public sealed class CheckTests
{
    [Fact]
    public async Task CleanInstance_WithRetentionAndOnion_PassesEveryCheck()
    {
        using var instance = await TestInstance.CreateAsync();

        var (code, output) = await CheckAsync(instance, "--frontend-user", "nobody", "--reviewer-url", "http://unix:/run/sdnet-console/console.sock");

        Assert.True(code == 0, output);
        Assert.Contains("All checks passed.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("WEAK", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GroupReadableDataDirectory_IsFlagged()
    {
        using var instance = await TestInstance.CreateAsync();
        File.SetUnixFileMode(instance.Data.VaultDirectory, File.GetUnixFileMode(instance.Data.VaultDirectory) | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);

        var (code, output) = await CheckAsync(instance);

        AssertFails(code, output, "WEAK  data directory permissions");
    }

    [Fact]
    public async Task SecretKeyReadableByTheFrontEndUser_FailsTheCheck()
    {
        using var instance = await TestInstance.CreateAsync();
        const UnixFileMode search = UnixFileMode.OtherExecute;
        foreach (var directory in new[] { instance.Root, instance.Data.Root, instance.Data.KeysDirectory })
        {
            File.SetUnixFileMode(directory, File.GetUnixFileMode(directory) | search);
        }

        var secret = Directory.GetFiles(instance.Data.KeysDirectory, "*.secret").First();
        File.SetUnixFileMode(secret, File.GetUnixFileMode(secret) | UnixFileMode.OtherRead);

        var (code, output) = await CheckAsync(instance, "--frontend-user", "nobody");

        AssertFails(code, output, "FAIL  secret keys vs. front end user: 'nobody' can read 1 of");
    }

    [Fact]
    public async Task FrontEndRunningAsRoot_FailsTheCheck()
    {
        using var instance = await TestInstance.CreateAsync();

        var (code, output) = await CheckAsync(instance, "--frontend-user", "root");

        AssertFails(code, output, "FAIL  secret keys vs. front end user: the front end user 'root' is root");
    }

    [Theory]
    [InlineData("http://0.0.0.0:8081")]
    [InlineData("http://*:8081")]
    [InlineData("http://192.0.2.10:8081")]
    public async Task ConsoleOnAPublicAddress_IsFlagged(string url)
    {
        using var instance = await TestInstance.CreateAsync();

        var (code, output) = await CheckAsync(instance, "--reviewer-url", url);

        AssertFails(code, output, "WEAK  console address");
    }

    [Fact]
    public async Task WeakRsaNewsroomKey_FailsTheCheck()
    {
        using var gpg = new Gpg();
        var fingerprint = await gpg.QuickGenKeyAsync("Weak <weak@newsroom.example>", "rsa2048", "sign");
        await gpg.AddKeyAsync(fingerprint, "rsa2048", "encr");
        using var instance = await TestInstance.CreateAsync();
        await File.WriteAllTextAsync(instance.Data.ActivePublicKeyFile, await gpg.RunAsync("--armor", "--export", fingerprint));

        var (code, output) = await CheckAsync(instance);

        AssertFails(code, output, "FAIL  newsroom key algorithms", "3072");
    }

    [Fact]
    public async Task ClassicActiveKey_IsFlaggedWeak_PostQuantumOneIsNot()
    {
        using var classicKey = Crypto.NewsroomSecretKey.Generate("Classic", TimeProvider.System.GetUtcNow(), Crypto.NewsroomKeyAlgorithm.Curve25519);
        using var classic = await TestInstance.CreateAsync(Store.Sqlite, classicKey);
        using var postQuantum = await TestInstance.CreateAsync();

        var (code, output) = await CheckAsync(classic);
        var (_, postQuantumOutput) = await CheckAsync(postQuantum);

        AssertFails(code, output, "WEAK  post-quantum protection: the active newsroom key is classic (Cv25519, v4, classic)", "sdnet keys rotate");
        Assert.Contains("ok    post-quantum protection: the active newsroom key is post-quantum (ML-KEM-768+X25519, v4, post-quantum)", postQuantumOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoOnionAndNoTls_IsFlagged()
    {
        using var instance = await TestInstance.CreateAsync();

        var (code, output) = await CheckWithSettingsAsync(instance, "Retention__SubmissionDays=30\n");

        AssertFails(code, output, "WEAK  TLS or onion service");
    }

    [Fact]
    public async Task RetentionOff_IsFlagged()
    {
        using var instance = await TestInstance.CreateAsync();

        var (code, output) = await CheckWithSettingsAsync(instance, "Submission__OnionAddress=http://" + new string('a', 56) + ".onion\nRetention__SubmissionDays=0\n");

        AssertFails(code, output, "WEAK  retention");
    }

    [Fact]
    public async Task RetentionAndOnionSetOnTheConsole_CountOverTheEnvironment()
    {
        using var instance = await TestInstance.CreateAsync();
        await new InstanceSettingsStore(instance.Database, TimeProvider.System).SaveAsync(InstanceSettings.None with
        {
            RetentionDays = 45,
            OnionAddress = "http://duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion",
        });

        var (_, output) = await CheckWithSettingsAsync(instance, "Retention__SubmissionDays=0\n");

        Assert.Contains("ok    retention: submissions are deleted after 45 day(s)", output, StringComparison.Ordinal);
        Assert.Contains("ok    TLS or onion service: onion address http://duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnencryptedDataProtectionKey_IsFlagged()
    {
        using var instance = await TestInstance.CreateAsync();
        var ring = Directory.CreateDirectory(instance.Data.DataProtectionDirectory("submission")).FullName;
        await File.WriteAllTextAsync(Path.Combine(ring, "key-5b3a1c40-0000-4000-8000-000000000001.xml"), """
            <?xml version="1.0" encoding="utf-8"?>
            <key id="5b3a1c40-0000-4000-8000-000000000001" version="1">
              <descriptor deserializerType="Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption.ConfigurationModel.AuthenticatedEncryptorDescriptorDeserializer">
                <descriptor>
                  <encryption algorithm="AES_256_CBC" />
                  <validation algorithm="HMACSHA256" />
                  <masterKey p4:requiresEncryption="true" xmlns:p4="http://schemas.asp.net/2015/03/dataProtection">
                    <!-- Warning: the key below is in an unencrypted form. -->
                    <value>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==</value>
                  </masterKey>
                </descriptor>
              </descriptor>
            </key>
            """);

        var (code, output) = await CheckAsync(instance);

        AssertFails(code, output, "WEAK  DataProtection keys at rest: 1 of 1");
    }

    [Fact]
    public async Task OutdatedSchema_IsFlagged()
    {
        using var instance = await TestInstance.CreateAsync();
        using (var connection = new SqliteConnection($"Data Source={instance.Data.MetadataDatabase};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"DELETE FROM VersionInfo WHERE Version = {SchemaMigrations.CurrentVersion}";
            Assert.Equal(1, command.ExecuteNonQuery());
        }

        var (code, output) = await CheckAsync(instance);

        AssertFails(code, output, "WEAK  database schema", "sdnet migrate");
    }

    [Fact]
    public async Task OnionFrontEndWithoutCircuitLines_IsFlagged()
    {
        using var instance = await TestInstance.CreateAsync();

        var (code, output) = await CheckWithSettingsAsync(instance, "Retention__SubmissionDays=30\nSubmission__OnionAddress=http://" + new string('a', 56) + ".onion\n");

        AssertFails(code, output, "WEAK  front end circuit lines", "Submission__ProxyProtocol=tor");
    }

    [Fact]
    public async Task ConsoleOnionWithoutClientAuthorisation_IsFlagged_AndAKeyOfADisabledJournalistToo()
    {
        using var instance = await TestInstance.CreateAsync();
        var service = Path.Combine(instance.Root, "sdnet-console");
        Directory.CreateDirectory(service);
        await File.WriteAllTextAsync(Path.Combine(service, "hostname"), new string('c', 56) + ".onion\n");

        var (open, openOutput) = await CheckAsync(instance, "--tor-dir", service);
        var (added, _, addError) = await CliRunner.RunAsync(null, "journalist", "onion-auth", "add", "admin", "--device", "laptop", "--data", instance.Data.Root, "--tor-dir", service);
        var (closed, closedOutput) = await CheckAsync(instance, "--tor-dir", service);
        await CliRunner.RunAsync(null, "journalist", "disable", "admin", "--data", instance.Data.Root, "--tor-dir", Path.Combine(instance.Root, "elsewhere"));
        var (stale, staleOutput) = await CheckAsync(instance, "--tor-dir", service);

        AssertFails(open, openOutput, "WEAK  console onion client authorisation", "anyone who learns the address reaches the sign-in page");
        Assert.True(added == 0, addError);
        Assert.True(closed == 0, closedOutput);
        Assert.Contains("ok    console onion client authorisation", closedOutput, StringComparison.Ordinal);
        AssertFails(stale, staleOutput, "belong to no enabled journalist (admin-laptop)");
    }

    private const string GoodSettings = "# ops settings\nRetention__SubmissionDays=90\nSubmission__OnionAddress=\"http://abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzab.onion\"\nSubmission__ProxyProtocol=tor\n";

    private static async Task<(int Code, string Output)> CheckAsync(TestInstance instance, params string[] extra) =>
        await CheckWithSettingsAsync(instance, GoodSettings, extra);

    private static async Task<(int Code, string Output)> CheckWithSettingsAsync(TestInstance instance, string settings, params string[] extra)
    {
        var file = Path.Combine(instance.Root, "sdnet.env");
        await File.WriteAllTextAsync(file, settings);
        using var output = new StringWriter();
        using var error = new StringWriter();
        // The console's onion service directory is the test's own (none unless a test makes one), not this machine's.
        string[] torDir = extra.Contains("--tor-dir") ? [] : ["--tor-dir", Path.Combine(instance.Root, "no-console-onion")];
        var code = await Sdnet.RunAsync(["check", "--data", instance.Data.Root, "--settings", file, .. torDir, .. extra], output, error);
        return (code, output + error.ToString());
    }
}

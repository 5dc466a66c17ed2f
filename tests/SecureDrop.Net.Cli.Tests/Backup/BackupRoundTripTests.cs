using System.Security.Cryptography;
using System.Text.RegularExpressions;
using SecureDrop.Net.Reviewer;

namespace SecureDrop.Net.Cli.Tests.Backup;

/// <summary>
/// The backup round trip with real processes: sdnet run serves a tip from a real source, sdnet backup create runs
/// while the services are up, sdnet backup restore fills an empty directory (and, on PostgreSQL, a new database),
/// and the console started on the restored instance shows the tip.
/// </summary>
public sealed partial class BackupRoundTripTests
{
    public const string Passphrase = "correct horse battery staple orbit lantern";

    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.PostgreSql)]
    public async Task BackupTakenWhileRunning_RestoresIntoAnEmptyDirectory_AndTheConsoleReadsTheTip(Store store)
    {
        var postgres = store == Store.PostgreSql ? await TestPostgres.CreateDatabaseAsync() : null;
        var restoredDatabase = store == Store.PostgreSql ? await TestPostgres.CreateDatabaseAsync() : null;
        try
        {
            await RoundTripAsync(postgres, restoredDatabase);
        }
        finally
        {
            foreach (var database in new[] { postgres, restoredDatabase }.OfType<string>())
            {
                TestPostgres.DropDatabase(database);
            }
        }
    }

    private static async Task RoundTripAsync(string? postgres, string? restoredDatabase)
    {
        using var work = new TempDirectory("sdnet-backup");
        var data = work.Combine("data");
        var environment = postgres is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["Database__PostgreSql"] = postgres };
        var (initCode, initOutput) = await SdnetProcess.RunAsync(["init", "--data", data], environment);
        Assert.True(initCode == 0, initOutput);
        var passphrase = AdminPassphrase().Match(initOutput).Groups[1].Value.Trim();

        var submissionUri = new Uri($"http://127.0.0.1:{Ports.FreeLoopbackPort()}");
        var reviewerUri = new Uri($"http://127.0.0.1:{Ports.FreeLoopbackPort()}");
        var message = "Backup canary " + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var backup = work.Combine("instance.backup");
        string? totpSecret;
        await using (var run = SdnetProcess.Start(
            ["run", "--data", data, "--submission-url", submissionUri.ToString().TrimEnd('/'), "--reviewer-url", reviewerUri.ToString().TrimEnd('/')],
            environment))
        {
            await run.WaitUntilServingAsync(new Uri(submissionUri, "/"));
            await run.WaitUntilServingAsync(new Uri(reviewerUri, "/login"));
            using var source = new SourceClient(submissionUri);
            await source.GenerateAndContinueAsync();
            using (var response = await source.SubmitAsync(message, ("evidence.bin", RandomNumberGenerator.GetBytes(100_000))))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            using var journalist = new JournalistClient(reviewerUri);
            using (await journalist.LoginAsync("admin", passphrase))
            {
            }

            await IngestWindow.CloseNowAsync(data, postgres);
            Assert.Single(await journalist.WaitForSourcesAsync(1, TimeSpan.FromSeconds(60)));
            totpSecret = journalist.TotpSecret;

            var (code, output) = await SdnetProcess.RunAsync(["backup", "create", "--data", data, "--out", backup, "--passphrase-stdin"], environment, Passphrase);
            Assert.True(code == 0, output);
            Assert.Contains("backup: 100%", output, StringComparison.Ordinal);
            Assert.False(run.HasExited, run.Output);
        }

        var restored = work.Combine("restored");
        var restoreEnvironment = restoredDatabase is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["Database__PostgreSql"] = restoredDatabase };
        var (verifyCode, verifyOutput) = await SdnetProcess.RunAsync(["backup", "verify", "--in", backup, "--passphrase-stdin"], standardInput: Passphrase);
        Assert.True(verifyCode == 0, verifyOutput);
        Assert.Contains("The backup is sound", verifyOutput, StringComparison.Ordinal);
        var (restoreCode, restoreOutput) = await SdnetProcess.RunAsync(["backup", "restore", "--in", backup, "--data", restored, "--passphrase-stdin"], restoreEnvironment, Passphrase);
        Assert.True(restoreCode == 0, restoreOutput);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(restored));
        foreach (var file in Directory.EnumerateFiles(restored, "*", SearchOption.AllDirectories))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        var settings = new Dictionary<string, string?> { ["Database:PostgreSql"] = restoredDatabase };
        await using var console = await RunningApp.StartAsync(url => ReviewerApp.Build(DataDirectory.Open(restored), url, settings));
        // The restored instance knows the admin's enrolled authenticator: the same app keeps working. A code is
        // accepted once, and the backup remembers the one used above: sign in with the next period's code.
        var seconds = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
        await Task.Delay(TimeSpan.FromSeconds(30 - (seconds % 30) + 1));
        using var reader = new JournalistClient(console.Address) { TotpSecret = totpSecret };
        using (var login = await reader.LoginAsync("admin", passphrase))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        var sources = await reader.WaitForSourcesAsync(1, TimeSpan.FromSeconds(10));
        var conversation = await reader.Http.GetStringAsync(new Uri(Assert.Single(sources), UriKind.Relative));
        Assert.Contains(message, WebUtility.HtmlDecode(conversation), StringComparison.Ordinal);
        var download = Assert.Single(HtmlForms.Links(conversation, "/items/"), link => link.EndsWith("/download", StringComparison.Ordinal));
        using var item = await reader.Http.GetAsync(new Uri(download, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, item.StatusCode);
        Assert.Equal(100_000, (await item.Content.ReadAsByteArrayAsync()).Length);
    }

    [GeneratedRegex(@"First admin passphrase:\s+(.+)")]
    private static partial Regex AdminPassphrase();
}

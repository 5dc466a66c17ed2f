using System.Security.Cryptography;

namespace SecureDrop.Net.EndToEnd.Tests;

/// <summary>
/// The production layout for real: sdnet init --layout multi-user on PostgreSQL, then the front end, the worker
/// and the console as three processes under three uids (setpriv; the suite runs as root, as CI does). A tip with a
/// file goes through intake (front end's user) to the vault (worker's user) and is read in the console (console's
/// user), while the kernel refuses the front end's user every secret key file and the console's key ring.
/// </summary>
public sealed class MultiUserLayoutTests
{
    private static readonly ServiceUsers Users = ServiceUsers.Throwaway;

    [Fact]
    public async Task ThreeRolesUnderThreeUsers_TipWithFile_ReachesTheConsole_AndTheFrontEndCannotOpenSecretKeys()
    {
        var postgres = await TestPostgres.CreateDatabaseAsync();
        using var work = new TempDirectory("sdnet-multiuser");
        try
        {
            await RunAsync(postgres, work);
        }
        finally
        {
            TestPostgres.DropDatabase(postgres);
        }
    }

    private static async Task RunAsync(string postgres, TempDirectory work)
    {
        // The service users reach the data directory through the test's folder (search permission only).
        File.SetUnixFileMode(work.Path, (UnixFileMode)0b111_001_001);
        var home = Directory.CreateDirectory(work.Combine("home")).FullName;
        File.SetUnixFileMode(home, (UnixFileMode)0b1_111_111_111);
        var environment = new Dictionary<string, string> { ["Database__PostgreSql"] = postgres, ["HOME"] = home, ["TMPDIR"] = home };
        var data = work.Combine("data");

        var (initCode, initOutput) = await SdnetProcess.RunAsync(["init", "--data", data, .. Users.InitArguments], environment);
        Assert.True(initCode == 0, initOutput);
        var passphrase = SourceToJournalistTests.AdminPassphrase().Match(initOutput).Groups[1].Value.Trim();
        var keys = Path.Combine(data, "keys");
        var secretFiles = Directory.GetFiles(keys, "*.secret").Append(Path.Combine(keys, "vault-key.recovery")).ToList();
        Assert.Equal(2, secretFiles.Count);

        var submissionUri = Serving.FreeAddress();
        var reviewerUri = Serving.FreeAddress();
        await using var frontEnd = SdnetProcess.Start(["serve", "submission", "--data", data, "--url", submissionUri.ToString().TrimEnd('/')], environment, runAs: Users.FrontEndProcess);
        await using var worker = SdnetProcess.Start(["serve", "worker", "--data", data], environment, runAs: Users.WorkerProcess);
        await using var console = SdnetProcess.Start(["serve", "reviewer", "--data", data, "--url", reviewerUri.ToString().TrimEnd('/')], environment, runAs: Users.ConsoleProcess);
        await frontEnd.WaitUntilServingAsync(new Uri(submissionUri, "/"));
        await console.WaitUntilServingAsync(new Uri(reviewerUri, "/login"));

        var message = "Multi-user canary " + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var file = ("ledger.pdf", RandomNumberGenerator.GetBytes(200 * 1024 + 3));
        using var source = new SourceClient(submissionUri);
        await source.GenerateAndContinueAsync();
        using (var response = await source.SubmitAsync(message, file))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var vault = Path.Combine(data, "vault");
        var intake = Path.Combine(data, "intake");
        await IngestWindow.CloseNowAsync(data, postgres);
        await Serving.WaitUntilAsync(
            () => Task.FromResult(Directory.GetFiles(vault, "*.gpg").Length == 2 && Directory.GetFiles(intake).Length == 0),
            TimeSpan.FromSeconds(60), worker);
        foreach (var item in Directory.GetFiles(vault))
        {
            // Written by the front end's user into intake, copied in by the worker's, readable by the console's: the
            // worker's file in the backend group, 0660.
            var status = UnixFiles.Stat(item);
            Assert.Equal((Users.Worker, Users.BackendGroup, (UnixFileMode)0b110_110_000), (status.Uid, status.Gid, status.Mode));
        }

        using var journalist = new JournalistClient(reviewerUri);
        using (var login = await journalist.LoginAsync("admin", passphrase))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        var sources = await journalist.WaitForSourcesAsync(1, TimeSpan.FromSeconds(60));
        var conversation = await journalist.Http.GetStringAsync(new Uri(Assert.Single(sources), UriKind.Relative));
        Assert.Contains(message, WebUtility.HtmlDecode(conversation), StringComparison.Ordinal);
        var download = Assert.Single(HtmlForms.Links(conversation, "/items/"), link => link.EndsWith("/download", StringComparison.Ordinal));
        Assert.Equal(file.Item2, await journalist.Http.GetByteArrayAsync(new Uri(download, UriKind.Relative)));

        // The kernel, not the code, keeps the secrets from the front end's user: open() fails with EACCES.
        var consoleRing = Directory.GetFiles(Path.Combine(data, "dataprotection", "reviewer"));
        Assert.NotEmpty(consoleRing);
        foreach (var secret in secretFiles.Concat(consoleRing).Append(Path.Combine(data, "dataprotection", "reviewer.key")))
        {
            await AssertPermissionDeniedAsync(Users.FrontEndProcess, "cat", secret);
            await AssertPermissionDeniedAsync(Users.WorkerProcess, "cat", secret);
        }

        await AssertPermissionDeniedAsync(Users.FrontEndProcess, "ls", vault);
        var frontEndRing = Directory.GetFiles(Path.Combine(data, "dataprotection", "submission")).Append(Path.Combine(data, "dataprotection", "submission.key"));
        foreach (var ring in frontEndRing)
        {
            await AssertPermissionDeniedAsync(Users.ConsoleProcess, "cat", ring);
        }

        foreach (var process in new[] { frontEnd, worker, console })
        {
            Assert.False(process.HasExited, process.Output);
            process.Terminate();
            Assert.Equal(0, await process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        }
    }

    private static async Task AssertPermissionDeniedAsync(RunAs who, string command, string path)
    {
        var (exitCode, error) = await who.RunAsync(command, path);
        Assert.NotEqual(0, exitCode);
        Assert.Contains("Permission denied", error, StringComparison.Ordinal);
    }
}

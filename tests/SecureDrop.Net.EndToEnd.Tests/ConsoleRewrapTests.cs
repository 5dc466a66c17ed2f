using System.Globalization;
using Hangfire;
using SecureDrop.Net.Core.Jobs;

namespace SecureDrop.Net.EndToEnd.Tests;

/// <summary>
/// A re-wrap started from the console's Keys page, with real processes: the console (sdnet serve reviewer) serves
/// the re-wrap queue only while the admin's session is signed in, shows its progress, stops at sign-out, and a later
/// session continues it to the end; gpg holding only the new key then opens every item and reply. The same page
/// shows the progress of sdnet keys rewrap when the command does the work.
/// </summary>
public sealed class ConsoleRewrapTests
{
    private const int Messages = 200;
    private const int Replies = 3;

    [Fact]
    public async Task RewrapFromConsole_StopsAtLogout_ContinuesInALaterSession_EveryItemOpensWithOnlyTheNewKey()
    {
        using var instance = await TestInstance.CreateAsync();
        var (sourceId, replyKey) = await Seed.SourceWithReplyKeyAsync(instance.Database);
        replyKey.Dispose();
        for (var i = 0; i < Messages; i++)
        {
            await Seed.SubmissionForSourceAsync(instance.Database, sourceId, $"message {i}");
        }

        var attachment = System.Security.Cryptography.RandomNumberGenerator.GetBytes(20_000);
        await Seed.SubmissionForSourceAsync(instance.Database, sourceId, null, ("scan.bin", attachment));
        var replyIds = new List<string>();
        for (var i = 0; i < Replies; i++)
        {
            replyIds.Add(await Seed.ReplyAsync(instance.Database, sourceId, $"reply {i}"));
        }

        using var gpg = new Gpg();
        var newFingerprint = await gpg.QuickGenerateKeyAsync("Newsroom 2027 <tips@newsroom.example>");
        await gpg.AddKeyAsync(newFingerprint, "cv25519", "encr");
        var keyFile = Path.Combine(instance.Root, "new-key.asc");
        await File.WriteAllBytesAsync(keyFile, await gpg.ExportSecretAsync(newFingerprint, armor: true));
        var (code, output) = await SdnetProcess.RunAsync(
            ["keys", "rotate", "--data", instance.Data.Root, "--as", "admin", "--import", keyFile], instance.Environment, instance.Secrets.AdminPassphrase);
        Assert.True(code == 0, output);

        var address = Serving.FreeAddress();
        await using var console = await Serving.StartAsync(instance, "reviewer", address);
        var storage = OpenJobStorage(instance);

        // A wrong passphrase starts nothing.
        using var first = new JournalistClient(address);
        using (var login = await first.LoginAsync("admin", instance.Secrets.AdminPassphrase))
        {
            Assert.Equal("/", login.RequestMessage?.RequestUri?.AbsolutePath);
        }

        var keysPage = await KeysPageAsync(first);
        Assert.Contains($"On older keys: {Messages + 1} item(s), {Messages + 1} metadata header(s), {Replies} reply(ies)", keysPage, StringComparison.Ordinal);
        using (var refused = await StartRewrapAsync(first, "not the passphrase"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("That passphrase is wrong. No re-wrap was started.", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }

        Assert.Equal(0, storage.GetMonitoringApi().EnqueuedCount(RewrapJob.Queue));
        Assert.Empty(RewrapRuns.ReadStatus(storage).Servers);

        // Started with the passphrase: served by this session, its progress on the page.
        using (var started = await StartRewrapAsync(first, instance.Secrets.AdminPassphrase))
        {
            Assert.Equal(HttpStatusCode.OK, started.StatusCode);
            Assert.Equal("/admin/keys", started.RequestMessage?.RequestUri?.AbsolutePath);
            Assert.Contains("Re-wrap started.", WebUtility.HtmlDecode(await started.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }

        var total = Messages + 1 + Replies;
        string running = "";
        await Serving.WaitUntilAsync(async () =>
        {
            running = await KeysPageAsync(first);
            return running.Contains("A re-wrap is running (served by an admin's console session)", StringComparison.Ordinal)
                && Number(running, "rewrap-done") > 0;
        }, TimeSpan.FromSeconds(60), console);
        Assert.Equal(total, Number(running, "rewrap-total"));
        Assert.Equal(total, Number(running, "rewrap-done") + Number(running, "rewrap-remaining"));
        Assert.Contains("by console", running, StringComparison.Ordinal);

        // Sign-out stops serving: no re-wrap server is left, and what was not done yet stays on the old key.
        using (var loggedOut = await first.LogoutAsync())
        {
            Assert.Equal("/login", loggedOut.RequestMessage?.RequestUri?.AbsolutePath);
        }

        await Serving.WaitUntilAsync(() => Task.FromResult(RewrapRuns.ReadStatus(storage).Servers.Count == 0), TimeSpan.FromSeconds(60), console);
        var newOnes = $"SELECT count(*) FROM items WHERE newsroom_key = '{newFingerprint}'";
        var doneAtLogout = await CountAsync(instance, newOnes);
        Assert.True(doneAtLogout < Messages + 1, "The re-wrap finished before sign-out; the test proved nothing about stopping.");
        var afterLogout = RewrapRuns.ReadStatus(storage);
        Assert.True(afterLogout.Remaining > 0);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(doneAtLogout, await CountAsync(instance, newOnes));
        Assert.Contains("re-wrap in the console stopped: session ended", await AuditActionsAsync(instance));

        // A later session sees where it stopped and continues it to the end.
        await Task.Delay(TimeSpan.FromSeconds(31 - (TimeProvider.System.GetUtcNow().ToUnixTimeSeconds() % 30)));
        using var second = new JournalistClient(address) { TotpSecret = first.TotpSecret };
        using (var login = await second.LoginAsync("admin", instance.Secrets.AdminPassphrase))
        {
            Assert.Equal("/", login.RequestMessage?.RequestUri?.AbsolutePath);
        }

        var stopped = await KeysPageAsync(second);
        Assert.Contains("stopped before the end, start it again to continue", stopped, StringComparison.Ordinal);
        Assert.True(Number(stopped, "rewrap-remaining") > 0);
        using (var again = await StartRewrapAsync(second, instance.Secrets.AdminPassphrase))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        string finished = "";
        await Serving.WaitUntilAsync(async () =>
        {
            finished = await KeysPageAsync(second);
            return finished.Contains("Every item is on the active key, with its metadata header, and every reply", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(120), console);
        Assert.Equal(0, Number(finished, "rewrap-remaining"));
        Assert.Equal(Number(finished, "rewrap-total"), Number(finished, "rewrap-done"));
        Assert.DoesNotContain("id=\"rewrap-form\"", finished, StringComparison.Ordinal);
        Assert.Equal(Messages + 1, await CountAsync(instance, newOnes));
        var audit = await AuditActionsAsync(instance);
        Assert.Equal(2, audit.Count(action => action == "re-wrap started in the console"));
        Assert.Contains("re-wrap in the console stopped: finished", audit);

        // gpg, whose keyring holds only the new key, opens every item, every reply and the file's metadata header.
        var export = Path.Combine(instance.Root, "export");
        (code, output) = await SdnetProcess.RunAsync(["export", "--data", instance.Data.Root, "--out", export], instance.Environment);
        Assert.True(code == 0, output);
        var exported = Directory.GetFiles(export, "*.gpg");
        Assert.Equal(Messages + 1, exported.Length);
        var opened = new List<byte[]>();
        foreach (var item in exported)
        {
            await gpg.RunAsync("--output", item + ".out", "--decrypt", item);
            opened.Add(await File.ReadAllBytesAsync(item + ".out"));
        }

        Assert.Contains(opened, plaintext => plaintext.AsSpan().SequenceEqual(attachment));
        Assert.Contains(opened, plaintext => plaintext.AsSpan().SequenceEqual(Encoding.UTF8.GetBytes($"message {Messages - 1}")));
        var files = new ItemFiles(instance.Data);
        foreach (var replyId in replyIds)
        {
            var replyOut = Path.Combine(instance.Root, replyId + ".out");
            await gpg.RunAsync("--output", replyOut, "--decrypt", files.VaultPath(replyId));
            Assert.StartsWith("reply ", await File.ReadAllTextAsync(replyOut), StringComparison.Ordinal);
        }

        byte[] header;
        await using (var connection = await instance.Database.OpenAsync())
        {
            header = (await connection.QueryAsync<byte[]>("SELECT metadata FROM items WHERE kind = 'file'")).Single();
        }

        var headerFile = Path.Combine(instance.Root, "header.gpg");
        await File.WriteAllBytesAsync(headerFile, header);
        await gpg.RunAsync("--output", headerFile + ".out", "--decrypt", headerFile);
        Assert.Contains("scan.bin", await File.ReadAllTextAsync(headerFile + ".out"), StringComparison.Ordinal);

        // When sdnet keys rewrap does the work, the same page shows its progress.
        (code, output) = await SdnetProcess.RunAsync(["keys", "rotate", "--data", instance.Data.Root, "--as", "admin"], instance.Environment, instance.Secrets.AdminPassphrase);
        Assert.True(code == 0, output);
        await using (var command = SdnetProcess.Start(["keys", "rewrap", "--data", instance.Data.Root, "--as", "admin", "--workers", "1"], instance.Environment, instance.Secrets.AdminPassphrase))
        {
            string byCommand = "";
            await Serving.WaitUntilAsync(async () =>
            {
                byCommand = await KeysPageAsync(second);
                return byCommand.Contains("A re-wrap is running (served by sdnet keys rewrap)", StringComparison.Ordinal) && Number(byCommand, "rewrap-done") > 0;
            }, TimeSpan.FromSeconds(60), command);
            Assert.Equal(total, Number(byCommand, "rewrap-total"));
            Assert.Contains("by sdnet keys rewrap", byCommand, StringComparison.Ordinal);
            Assert.DoesNotContain("id=\"rewrap-form\"", byCommand, StringComparison.Ordinal);
            using (var refused = await PostWithoutFormAsync(second, instance.Secrets.AdminPassphrase))
            {
                Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            }

            await Serving.WaitUntilAsync(() => Task.FromResult(command.HasExited), TimeSpan.FromSeconds(120), console);
            Assert.True(command.ExitCode == 0, command.Output);
        }
    }

    private static async Task<HttpResponseMessage> StartRewrapAsync(JournalistClient journalist, string passphrase)
    {
        var page = await journalist.Http.GetStringAsync(new Uri("/admin/keys", UriKind.Relative));
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["passphrase"] = passphrase,
            ["__RequestVerificationToken"] = HtmlForms.AntiforgeryToken(page),
        });
        return await journalist.Http.PostAsync(new Uri("/admin/keys/rewrap", UriKind.Relative), form);
    }

    // The form is hidden while another process re-wraps; a POST made anyway (an old tab) is refused.
    private static async Task<HttpResponseMessage> PostWithoutFormAsync(JournalistClient journalist, string passphrase)
    {
        var page = await journalist.Http.GetStringAsync(new Uri("/", UriKind.Relative));
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["passphrase"] = passphrase,
            ["__RequestVerificationToken"] = HtmlForms.AntiforgeryToken(page),
        });
        return await journalist.Http.PostAsync(new Uri("/admin/keys/rewrap", UriKind.Relative), form);
    }

    private static async Task<string> KeysPageAsync(JournalistClient journalist) =>
        WebUtility.HtmlDecode(await journalist.Http.GetStringAsync(new Uri("/admin/keys", UriKind.Relative)));

    private static long Number(string page, string id) => long.Parse(HtmlForms.ElementText(page, id), CultureInfo.InvariantCulture);

    private static JobStorage OpenJobStorage(TestInstance instance)
    {
        GlobalConfiguration.Configuration.SetDataCompatibilityLevel(CompatibilityLevel.Version_180).UseSimpleAssemblyNameTypeSerializer().UseRecommendedSerializerSettings();
        return HangfireStorage.Open(instance.Database);
    }

    private static async Task<IReadOnlyList<string>> AuditActionsAsync(TestInstance instance) =>
        (await new Vault.Audit.AuditLog(instance.Database, TimeProvider.System).RecentAsync(100)).Select(entry => entry.Action).ToList();

    private static async Task<long> CountAsync(TestInstance instance, string sql)
    {
        await using var connection = await instance.Database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(sql);
    }
}

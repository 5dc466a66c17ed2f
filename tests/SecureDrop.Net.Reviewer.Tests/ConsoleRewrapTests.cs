namespace SecureDrop.Net.Reviewer.Tests;

/// <summary>
/// The console's re-wrap form on real Kestrel: it exists only for admins, needs its antiforgery token and the
/// passphrase, and the server it starts stops when the admin's session expires, leaving the rest on the queue.
/// (The full run with real processes, sign-out and gpg is in the end-to-end ConsoleRewrapTests.)
/// </summary>
public sealed class ConsoleRewrapTests : FakeClockConsoleTestBase
{
    private const int Messages = 200;
    [Fact]
    public async Task SessionExpires_ConsoleStopsServingTheRewrap_TheRestWaitsOnOlderKeys()
    {
        var (sourceId, _) = await Seed.SubmissionAsync(Instance, "message");
        for (var i = 1; i < Messages; i++)
        {
            await Seed.SubmissionForSourceAsync(Instance.Database, sourceId, $"message {i}");
        }

        var active = Rotate();
        using var admin = await SignedInAsync();
        var storage = Core.Jobs.HangfireStorage.Open(Instance.Database);

        using (var started = await PostFormAsync(admin, "/admin/keys", "/admin/keys/rewrap", ("passphrase", Instance.Secrets.AdminPassphrase)))
        {
            Assert.Equal("/admin/keys", started.RequestMessage?.RequestUri?.AbsolutePath);
        }

        Assert.Equal(Messages, RewrapRuns.ReadStatus(storage).Total);
        FakeClock.Advance(Sessions.JournalistSessions.IdleTimeout + TimeSpan.FromMinutes(1));

        await Poll.UntilAsync(
            async () => RewrapRuns.ReadStatus(storage).Servers.Count == 0 && (await Audit()).Contains("re-wrap in the console stopped: session ended"),
            TimeSpan.FromSeconds(60),
            "the expired session's re-wrap to stop");
        var done = await CountAsync($"SELECT count(*) FROM items WHERE newsroom_key = '{active}'");
        Assert.True(done < Messages, "The re-wrap finished before the session expired; the test proved nothing about stopping.");
        Assert.True(RewrapRuns.ReadStatus(storage).Remaining > 0);
        Assert.Contains("re-wrap started in the console", await Audit());
    }

    [Fact]
    public async Task StartRewrap_WithoutAntiforgeryToken_OrAsJournalist_IsRefusedAndQueuesNothing()
    {
        await Seed.SubmissionAsync(Instance, "message");
        Rotate();
        using var admin = await SignedInAsync();
        var passphrase = await AddJournalistAsync(admin, "reporter");
        using var journalist = new JournalistClient(App.Address) { Clock = FakeClock };
        using (var login = await journalist.LoginAsync("reporter", passphrase))
        {
            Assert.Equal("/", login.RequestMessage?.RequestUri?.AbsolutePath);
        }

        using (var form = new FormUrlEncodedContent([new("passphrase", Instance.Secrets.AdminPassphrase)]))
        using (var noToken = await admin.Http.PostAsync(new Uri("/admin/keys/rewrap", UriKind.Relative), form))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        }

        Assert.DoesNotContain("id=\"rewrap-form\"", await journalist.Http.GetStringAsync(new Uri("/", UriKind.Relative)), StringComparison.Ordinal);
        using (var asJournalist = await PostFormAsync(journalist, "/", "/admin/keys/rewrap", ("passphrase", passphrase)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, asJournalist.StatusCode);
        }

        var storage = Core.Jobs.HangfireStorage.Open(Instance.Database);
        Assert.Equal(0, storage.GetMonitoringApi().EnqueuedCount(RewrapJob.Queue));
        Assert.Equal(0, RewrapRuns.ReadStatus(storage).Total);
        Assert.Contains("id=\"rewrap-form\"", await admin.Http.GetStringAsync(new Uri("/admin/keys", UriKind.Relative)), StringComparison.Ordinal);
    }

    // What sdnet keys rotate does: a new key, sealed under the vault key, made active.
    private string Rotate()
    {
        var vaultKey = VaultKey.UnwrapWithRecovery(File.ReadAllBytes(Instance.Data.RecoveryWrapFile), VaultKey.ParseRecoveryKey(Instance.Secrets.RecoveryKey));
        using var key = NewsroomSecretKey.Generate("Newsroom 2027", TimeProvider.System.GetUtcNow());
        new SealedNewsroomKeys(Instance.Data).Add(key, vaultKey, activate: true, CoarseTime.Today(TimeProvider.System));
        return key.Fingerprint;
    }

    private async Task<IReadOnlyList<string>> Audit() =>
        (await new Vault.Audit.AuditLog(Instance.Database, TimeProvider.System).RecentAsync(50)).Select(entry => entry.Action).ToList();

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = await Instance.Database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(sql);
    }
}

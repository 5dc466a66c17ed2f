using Microsoft.Extensions.Logging;

namespace SecureDrop.Net.Submission.Tests.Replies;

public sealed class ReplyOnSqliteTests() : ReplyTests(Store.Sqlite);

public sealed class ReplyOnPostgreSqlTests() : ReplyTests(Store.PostgreSql);

/// <summary>
/// A returning source: /login with the codename unlocks the reply key into the session, /lookup shows replies
/// decrypted and escaped, "delete this reply" hides it at once and queues its erasure, /logout ends it all.
/// </summary>
public abstract class ReplyTests(Store store) : IAsyncLifetime, IDisposable
{
    private readonly LogCapture _logs = new();
    private TestInstance _instance = null!;
    private RunningApp _app = null!;

    public async Task InitializeAsync()
    {
        _instance = await TestInstance.CreateAsync(store);
        _app = await RunningApp.StartAsync(url => SubmissionApp.Build(_instance.Data, url, _instance.Settings, builder =>
            builder.Logging.SetMinimumLevel(LogLevel.Trace).AddFilter(_ => true).AddProvider(_logs)));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _instance.Dispose();
    }

    public void Dispose()
    {
        _logs.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Login_AfterAReply_ShowsItDecryptedAndEscapedOnLookup()
    {
        var (codename, sourceId) = await NewSourceAsync();
        await Seed.ReplyAsync(_instance.Database, sourceId, "<b>Canary reply 6c1d</b> & thanks");

        using var returning = new SourceClient(_app.Address);
        using var login = await returning.LoginAsync(codename);
        var page = await login.Content.ReadAsStringAsync();

        Assert.Equal("/lookup", login.RequestMessage?.RequestUri?.AbsolutePath);
        Assert.Contains("&lt;b&gt;Canary reply 6c1d&lt;/b&gt; &amp; thanks", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>Canary", page, StringComparison.Ordinal);
        Assert.Contains("Delete this reply", page, StringComparison.Ordinal);
        Assert.Contains("name=\"files\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain(_logs.Lines, line => line.Contains("Canary reply", StringComparison.Ordinal) || line.Contains(codename, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Lookup_InKorean_ShowsKoreanStrings()
    {
        var (codename, sourceId) = await NewSourceAsync();
        await Seed.ReplyAsync(_instance.Database, sourceId, "안녕하세요");
        using var returning = new SourceClient(_app.Address);
        using (await returning.LoginAsync(codename))
        {
        }

        var page = await returning.Http.GetStringAsync(new Uri("/lookup?lang=ko", UriKind.Relative));

        Assert.Contains("이 답장 삭제", page, StringComparison.Ordinal);
        Assert.Contains("안녕하세요", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteReply_HidesItAtOnce_MarksTheRowAndQueuesItsErasureByIdOnly()
    {
        var (codename, sourceId) = await NewSourceAsync();
        var doomed = await Seed.ReplyAsync(_instance.Database, sourceId, "Canary doomed reply");
        await Seed.ReplyAsync(_instance.Database, sourceId, "Canary kept reply");
        using var returning = new SourceClient(_app.Address);
        using (await returning.LoginAsync(codename))
        {
        }

        using var deleted = await returning.DeleteReplyAsync(await returning.LookupAsync(), doomed);
        var after = await deleted.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal("/lookup", deleted.RequestMessage?.RequestUri?.AbsolutePath);
        Assert.DoesNotContain("Canary doomed reply", after, StringComparison.Ordinal);
        Assert.Contains("Canary kept reply", after, StringComparison.Ordinal);
        Assert.True(await ScalarAsync<bool>($"SELECT deleted FROM replies WHERE id = '{doomed}'"));
        var arguments = await JobArgumentsAsync();
        Assert.Contains(arguments, a => a.Contains(doomed, StringComparison.Ordinal));
        Assert.DoesNotContain(arguments, a => a.Contains("Canary", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DeleteReply_OfAnotherSourceOrWithoutToken_IsRefusedAndChangesNothing()
    {
        var (_, otherSource) = await NewSourceAsync();
        var othersReply = await Seed.ReplyAsync(_instance.Database, otherSource, "not yours");
        var (codename, _) = await NewSourceAsync();
        using var returning = new SourceClient(_app.Address);
        using (await returning.LoginAsync(codename))
        {
        }

        using var foreign = await returning.DeleteReplyAsync(await returning.LookupAsync(), othersReply);
        using var noToken = await returning.Http.PostAsync(
            new Uri("/lookup?handler=delete", UriKind.Relative),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["reply"] = othersReply }));

        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Contains("does not exist or was already deleted", await foreign.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        Assert.False(await ScalarAsync<bool>($"SELECT deleted FROM replies WHERE id = '{othersReply}'"));
    }

    [Fact]
    public async Task Logout_EndsTheSessionAtOnce_AndTheOldCookieOpensNothing()
    {
        var (codename, sourceId) = await NewSourceAsync();
        await Seed.ReplyAsync(_instance.Database, sourceId, "Canary private reply");
        using var returning = new SourceClient(_app.Address);
        using (await returning.LoginAsync(codename))
        {
        }

        var lookup = await returning.LookupAsync();
        var cookies = returning.Cookies.GetAllCookies().Select(c => new Cookie(c.Name, c.Value, c.Path, c.Domain)).ToList();
        using (var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = HtmlForms.AntiforgeryToken(lookup) }))
        using (var logout = await returning.Http.PostAsync(new Uri("/logout", UriKind.Relative), form))
        {
            Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        }

        using var thief = new SourceClient(_app.Address);
        foreach (var cookie in cookies)
        {
            thief.Cookies.Add(cookie);
        }

        using var stolen = await thief.Http.GetAsync(new Uri("/lookup", UriKind.Relative));
        Assert.Equal("/login", stolen.RequestMessage?.RequestUri?.AbsolutePath);
        Assert.DoesNotContain("Canary private reply", await stolen.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_WithAnotherCodename_IsRefusedAndShowsNoReply()
    {
        var (_, sourceId) = await NewSourceAsync();
        await Seed.ReplyAsync(_instance.Database, sourceId, "Canary reply for someone else");
        using var stranger = new SourceClient(_app.Address);

        using var login = await stranger.LoginAsync(Crypto.Codename.Generate());
        using var lookup = await stranger.Http.GetAsync(new Uri("/lookup", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, login.StatusCode);
        Assert.Equal("/login", lookup.RequestMessage?.RequestUri?.AbsolutePath);
        Assert.DoesNotContain("Canary reply", await lookup.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SourceFromBeforeReplyKeys_GetsOneAtItsNextLogin_SealedNotInClear()
    {
        var (codename, sourceId) = await NewSourceAsync();
        await using (var connection = await _instance.Database.OpenAsync())
        {
            await connection.ExecuteAsync("UPDATE sources SET reply_public_key = NULL, reply_secret_sealed = NULL WHERE id = @sourceId", new { sourceId });
        }

        using var returning = new SourceClient(_app.Address);
        using var login = await returning.LoginAsync(codename);
        await Seed.ReplyAsync(_instance.Database, sourceId, "Canary first reply");
        var page = await returning.LookupAsync();

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Contains("Canary first reply", page, StringComparison.Ordinal);
        var sealedKey = await ScalarAsync<byte[]>($"SELECT reply_secret_sealed FROM sources WHERE id = '{sourceId}'");
        Assert.Equal(1, sealedKey[0]);
        Assert.DoesNotContain("PRIVATE", Encoding.Latin1.GetString(sealedKey), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FollowUp_FromLookup_IsStoredLikeASubmission()
    {
        var (codename, sourceId) = await NewSourceAsync();
        using var returning = new SourceClient(_app.Address);
        using (await returning.LoginAsync(codename))
        {
        }

        var lookup = await returning.LookupAsync();
        using var form = SourceClient.SubmissionForm(HtmlForms.AntiforgeryToken(lookup), "follow-up", ("more.bin", [5, 6, 7]));
        using var response = await returning.Http.PostAsync(new Uri("/submit", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Seed.IngestWindowJob(_instance.Database).CloseNowAsync();
        Assert.Equal(2, await ScalarAsync<long>($"SELECT count(*) FROM items i JOIN submissions s ON s.id = i.submission_id WHERE s.source_id = '{sourceId}' AND s.number = 2"));
    }

    /// <summary>A new source through /generate (which makes its reply key), with its first message, recorded by its window's close.</summary>
    private async Task<(string Codename, string SourceId)> NewSourceAsync()
    {
        var before = await SourceIdsAsync();
        using var first = new SourceClient(_app.Address);
        var codename = await first.GenerateAndContinueAsync();
        using (var response = await first.SubmitAsync("first message", []))
        {
            response.EnsureSuccessStatusCode();
        }

        await Seed.IngestWindowJob(_instance.Database).CloseNowAsync();
        var sourceId = (await SourceIdsAsync()).Except(before).Single();
        Assert.NotNull(await ScalarAsync<byte[]?>($"SELECT reply_public_key FROM sources WHERE id = '{sourceId}'"));
        return (codename, sourceId);
    }

    private async Task<IReadOnlyList<string>> SourceIdsAsync()
    {
        await using var connection = await _instance.Database.OpenAsync();
        return (await connection.QueryAsync<string>("SELECT id FROM sources")).AsList();
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = await _instance.Database.OpenAsync();
        return (await connection.ExecuteScalarAsync<T>(sql))!;
    }

    private async Task<IReadOnlyList<string>> JobArgumentsAsync()
    {
        await using var connection = store == Store.Sqlite
            ? (System.Data.Common.DbConnection)new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_instance.Data.JobDatabase};Mode=ReadOnly")
            : new Npgsql.NpgsqlConnection(_instance.Settings.Values.Single());
        await connection.OpenAsync();
        var table = store == Store.Sqlite ? "Job" : "hangfire.job";
        return (await connection.QueryAsync<string>($"SELECT arguments FROM {table}")).AsList();
    }
}

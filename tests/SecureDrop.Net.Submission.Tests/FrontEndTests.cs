using Microsoft.Data.Sqlite;

namespace SecureDrop.Net.Submission.Tests;

public sealed class FrontEndOnSqliteTests() : FrontEndTests(Store.Sqlite);

public sealed class FrontEndOnPostgreSqlTests() : FrontEndTests(Store.PostgreSql);

/// <summary>
/// The front end on real Kestrel against a real initialised instance (filesystem, and metadata and Hangfire
/// storage on SQLite or PostgreSQL: every test runs on both).
/// </summary>
public abstract class FrontEndTests(Store store) : IAsyncLifetime
{
    private TestInstance _instance = null!;
    private RunningApp _app = null!;

    public async Task InitializeAsync()
    {
        _instance = await TestInstance.CreateAsync(store);
        _app = await RunningApp.StartAsync(url => SubmissionApp.Build(_instance.Data, url, _instance.Settings));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _instance.Dispose();
    }

    [Fact]
    public async Task Landing_ShowsNewsroomFingerprintAndPublicKeyDownloads()
    {
        using var client = new SourceClient(_app.Address);
        var landing = await client.Http.GetStringAsync(new Uri("/", UriKind.Relative));
        Assert.Contains(_instance.Secrets.NewsroomFingerprint, landing, StringComparison.Ordinal);
        Assert.Contains("This key is post-quantum (ML-KEM)", landing, StringComparison.Ordinal);

        using var key = await client.Http.GetAsync(new Uri("/public-key", UriKind.Relative));
        Assert.Equal("application/pgp-keys", key.Content.Headers.ContentType?.MediaType);
        var armored = await key.Content.ReadAsStringAsync();
        Assert.StartsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----", armored, StringComparison.Ordinal);
        Assert.Equal(
            _instance.Secrets.NewsroomFingerprint.Replace(" ", "", StringComparison.Ordinal),
            Crypto.NewsroomPublicKey.Parse(Encoding.ASCII.GetBytes(armored)).Fingerprint);
    }

    [Fact]
    public async Task EveryPage_SendsSecurityHeadersAndNoServerHeader()
    {
        using var client = new SourceClient(_app.Address);
        foreach (var path in new[] { "/", "/generate", "/login", "/public-key", "/style.css", "/no-such-page" })
        {
            using var response = await client.Http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
                response.Headers.GetValues("Content-Security-Policy").Single());
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            Assert.True(response.Headers.CacheControl?.NoStore, path);
            Assert.False(response.Headers.Contains("Server"), path);
            Assert.DoesNotContain("<script", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Generate_ThenContinue_CreatesOneSourceAndSetsOnlyAnOpaqueCookie()
    {
        using var client = new SourceClient(_app.Address);
        var codename = await client.GenerateAndContinueAsync();

        Assert.Equal(7, codename.Split(' ').Length);
        Assert.Equal(1, await CountAsync("sources"));
        foreach (Cookie cookie in client.Cookies.GetAllCookies())
        {
            Assert.True(cookie.HttpOnly, cookie.Name);
            foreach (var word in codename.Split(' '))
            {
                Assert.DoesNotContain(word, cookie.Value, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    [Fact]
    public async Task Generate_WithoutContinuing_LeavesNothingBehind()
    {
        using var client = new SourceClient(_app.Address);
        await client.Http.GetStringAsync(new Uri("/generate", UriKind.Relative));

        Assert.Equal(0, await CountAsync("sources"));
    }

    [Fact]
    public async Task Login_WithTheCodename_ReturnsTheSourceToLookup()
    {
        using var first = new SourceClient(_app.Address);
        var codename = await first.GenerateAndContinueAsync();

        using var returning = new SourceClient(_app.Address);
        using var response = await returning.LoginAsync("  " + codename.ToUpperInvariant().Replace(" ", "   ", StringComparison.Ordinal) + " ");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/lookup", response.RequestMessage?.RequestUri?.AbsolutePath);
        Assert.Equal(1, await CountAsync("sources"));
    }

    [Theory]
    [InlineData("abacus abacus abacus abacus abacus abacus abacus", "not recognised")]
    [InlineData("not a codename", "Word 1, “not”, is not in any codename list")]
    [InlineData("abacus abacus abacus", "An English codename has 7 words; you typed 3")]
    [InlineData("", "Type your codename")]
    public async Task Login_WithWrongCodename_Returns400WithPlainMessageAndStoresNothing(string codename, string expected)
    {
        using var client = new SourceClient(_app.Address);
        using var response = await client.LoginAsync(codename);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync("sources"));
    }

    [Fact]
    public async Task Submit_MessageAndFiles_WritesOnlyCiphertextAndAnEnvelopeOfIds_AndQueuesNoJob()
    {
        using var client = new SourceClient(_app.Address);
        await client.GenerateAndContinueAsync();
        var message = "Canary text 4b1d: the minister signed it";
        var file = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("Canary file 9e2c. ", 10_000)));

        using var response = await client.SubmitAsync(message, ("canary-memo-77.txt", file), ("empty-is-kept.bin", [0]));

        var page = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("2 files", HtmlForms.ElementText(page, "received"), StringComparison.Ordinal);
        Assert.DoesNotContain("canary-memo-77", page, StringComparison.Ordinal);
        Assert.Equal(3, Directory.GetFiles(_instance.Data.IntakeDirectory, "*.gpg").Length);
        Assert.Empty(Directory.GetFiles(_instance.Data.IntakeDirectory, "*.part"));
        // The durable record of the acknowledgement: an envelope of ids, kinds, sizes and sealed headers; no row, no
        // job, until the ingest window closes (invariant 9; a job per tip would carry its time).
        var envelope = Assert.Single(Directory.GetFiles(_instance.Data.IntakeDirectory, "*" + Core.Submissions.IntakeEnvelope.Suffix));
        Assert.Empty(await JobArgumentsAsync());
        var hits = ForensicScan.Find([_instance.Data.Root], new Dictionary<string, byte[]>
        {
            ["message"] = Encoding.UTF8.GetBytes("Canary text 4b1d"),
            ["file content"] = Encoding.UTF8.GetBytes("Canary file 9e2c"),
            ["file name"] = Encoding.UTF8.GetBytes("canary-memo-77"),
        });
        Assert.Empty(hits);

        Assert.Equal(3, await CountAsync("items"));
        Assert.Equal(Path.GetFileNameWithoutExtension(envelope), await ScalarAsync<string>("SELECT id FROM submissions"));
    }

    [Fact]
    public async Task Submit_WithoutAntiforgeryToken_Returns400AndStoresNothing()
    {
        using var client = new SourceClient(_app.Address);
        await client.GenerateAndContinueAsync();

        using var form = SourceClient.SubmissionForm(token: null, "Canary no token", ("x.txt", [1, 2, 3]));
        using var response = await client.Http.PostAsync(new Uri("/submit", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("security token", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Submit_WithForgedAntiforgeryToken_Returns400AndStoresNothing()
    {
        using var client = new SourceClient(_app.Address);
        await client.GenerateAndContinueAsync();

        using var form = SourceClient.SubmissionForm("CfDJ8forged", "Canary forged", ("x.txt", [1, 2, 3]));
        using var response = await client.Http.PostAsync(new Uri("/submit", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertNothingStoredAsync();
    }

    [Theory]
    [InlineData("/login")]
    [InlineData("/generate")]
    public async Task FormPost_WithoutAntiforgeryToken_Returns400(string path)
    {
        using var client = new SourceClient(_app.Address);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["codename"] = "a b c d e f g", ["ticket"] = "x" });
        using var response = await client.Http.PostAsync(new Uri(path, UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await CountAsync("sources"));
    }

    [Fact]
    public async Task Submit_WithoutSession_Returns403AndStoresNothing()
    {
        using var client = new SourceClient(_app.Address);
        var page = await client.Http.GetStringAsync(new Uri("/login", UriKind.Relative));
        using var form = SourceClient.SubmissionForm(HtmlForms.AntiforgeryToken(page), "Canary", ("x.txt", [1]));
        using var response = await client.Http.PostAsync(new Uri("/submit", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Submit_TruncatedMultipart_Returns400AndLeavesNoPartialItem()
    {
        using var client = new SourceClient(_app.Address);
        await client.GenerateAndContinueAsync();
        var page = await client.Http.GetStringAsync(new Uri("/submit", UriKind.Relative));
        var body = $"--b\r\nContent-Disposition: form-data; name=\"__RequestVerificationToken\"\r\n\r\n{HtmlForms.AntiforgeryToken(page)}\r\n"
            + "--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"cut.txt\"\r\n\r\n" + new string('x', 200_000);
        using var content = new ByteArrayContent(Encoding.ASCII.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=b");

        using var response = await client.Http.PostAsync(new Uri("/submit", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task ConsoleRoutes_AreNotServedByTheFrontEnd()
    {
        using var client = new SourceClient(_app.Address);
        foreach (var path in new[] { "/sources/0123456789abcdef0123456789abcdef", "/items/0123456789abcdef0123456789abcdef/download", "/admin/jobs" })
        {
            using var response = await client.Http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }

    [Fact]
    public async Task UnsupportedMethod_Returns405()
    {
        using var client = new SourceClient(_app.Address);
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri("/submit", UriKind.Relative));
        using var response = await client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    private async Task AssertNothingStoredAsync()
    {
        // The source made at /generate waits in intake too (as a .source file); nothing else may.
        Assert.DoesNotContain(Directory.GetFiles(_instance.Data.IntakeDirectory), f => !f.EndsWith(Core.Sources.PendingSources.Suffix, StringComparison.Ordinal));
        Assert.Empty(await JobArgumentsAsync());
        Assert.Equal(0, await CountAsync("submissions"));
        Assert.Equal(0, await CountAsync("items"));
        Assert.Empty(await JobArgumentsAsync());
    }

    private Task<long> CountAsync(string table) => ScalarAsync<long>($"SELECT count(*) FROM {table}");

    /// <summary>Queries the rows as they are once the current ingest window has closed (as the worker would close it).</summary>
    private async Task<T> ScalarAsync<T>(string sql)
    {
        await Seed.IngestWindowJob(_instance.Database).CloseNowAsync();
        await using var connection = await _instance.Database.OpenAsync();
        return (await connection.ExecuteScalarAsync<T>(sql))!;
    }

    private async Task<IReadOnlyList<string>> JobArgumentsAsync()
    {
        if (store == Store.PostgreSql)
        {
            await using var postgres = await _instance.Database.OpenAsync();
            return (await postgres.QueryAsync<string>("SELECT arguments::text FROM hangfire.job")).AsList();
        }

        await using var connection = new SqliteConnection($"Data Source={_instance.Data.JobDatabase};Mode=ReadOnly");
        await connection.OpenAsync();
        return (await connection.QueryAsync<string>("SELECT Arguments FROM Job")).AsList();
    }
}

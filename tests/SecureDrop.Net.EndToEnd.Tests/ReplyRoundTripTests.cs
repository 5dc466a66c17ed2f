using System.Security.Cryptography;

namespace SecureDrop.Net.EndToEnd.Tests;

/// <summary>
/// Replies with real processes (sdnet run: front end, console and worker): a journalist replies, the source comes
/// back with the codename and reads it, then deletes it; the worker's delete job leaves neither row nor vault file,
/// and the reply's text is nowhere in clear: not in the data directory, the database, the temp directory or a log.
/// </summary>
public sealed class ReplyRoundTripTests
{
    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.PostgreSql)]
    public async Task JournalistReplies_SourceReadsItAtNextVisit_ThenDeletesIt_AndNothingIsLeft(Store store)
    {
        var postgres = store == Store.PostgreSql ? await TestPostgres.CreateDatabaseAsync() : null;
        try
        {
            await RunAsync(postgres);
        }
        finally
        {
            if (postgres is not null)
            {
                TestPostgres.DropDatabase(postgres);
            }
        }
    }

    private static async Task RunAsync(string? postgres)
    {
        using var work = new TempDirectory("sdnet-e2e-reply");
        var data = work.Combine("data");
        var temp = Directory.CreateDirectory(work.Combine("tmp")).FullName;
        var environment = new Dictionary<string, string> { ["TMPDIR"] = temp, ["ASPNETCORE_TEMP"] = temp };
        if (postgres is not null)
        {
            environment["Database__PostgreSql"] = postgres;
        }

        var (initCode, initOutput) = await SdnetProcess.RunAsync(["init", "--data", data], environment);
        Assert.True(initCode == 0, initOutput);
        var passphrase = SourceToJournalistTests.AdminPassphrase().Match(initOutput).Groups[1].Value.Trim();
        var submissionUri = new Uri($"http://127.0.0.1:{Ports.FreeLoopbackPort()}");
        var reviewerUri = new Uri($"http://127.0.0.1:{Ports.FreeLoopbackPort()}");
        var marker = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var replyText = $"Canary reply {marker}: we read your ledger — 답장 {marker}";
        string codename;
        string replyId;
        await using (var run = SdnetProcess.Start(
            ["run", "--data", data, "--submission-url", submissionUri.ToString().TrimEnd('/'), "--reviewer-url", reviewerUri.ToString().TrimEnd('/')],
            environment))
        {
            await run.WaitUntilServingAsync(new Uri(submissionUri, "/"));
            await run.WaitUntilServingAsync(new Uri(reviewerUri, "/login"));

            using (var source = new SourceClient(submissionUri))
            {
                codename = await source.GenerateAndContinueAsync();
                using var submitted = await source.SubmitAsync($"Canary tip {marker}", []);
                Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
            }

            using var journalist = new JournalistClient(reviewerUri);
            using (var login = await journalist.LoginAsync("admin", passphrase))
            {
                Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            }

            await IngestWindow.CloseNowAsync(data, postgres);
            var sourcePath = Assert.Single(await journalist.WaitForSourcesAsync(1, TimeSpan.FromSeconds(60)));
            var sourcePage = await journalist.Http.GetStringAsync(new Uri(sourcePath, UriKind.Relative));
            using (var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["reply"] = replyText,
                ["__RequestVerificationToken"] = HtmlForms.AntiforgeryToken(sourcePage),
            }))
            using (var replied = await journalist.Http.PostAsync(new Uri(sourcePath + "?handler=reply", UriKind.Relative), form))
            {
                Assert.Equal(HttpStatusCode.OK, replied.StatusCode);
                Assert.Contains(replyText, WebUtility.HtmlDecode(await replied.Content.ReadAsStringAsync()), StringComparison.Ordinal);
            }

            using var returning = new SourceClient(submissionUri);
            using var back = await returning.LoginAsync(codename);
            var lookup = await back.Content.ReadAsStringAsync();
            Assert.Equal("/lookup", back.RequestMessage?.RequestUri?.AbsolutePath);
            Assert.Contains(replyText, WebUtility.HtmlDecode(lookup), StringComparison.Ordinal);
            replyId = HtmlForms.HiddenValue(lookup, "reply");
            Assert.True(File.Exists(Path.Combine(data, "vault", replyId + ".gpg")));

            using (var deleted = await returning.DeleteReplyAsync(lookup, replyId))
            {
                Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
                Assert.DoesNotContain(replyText, WebUtility.HtmlDecode(await deleted.Content.ReadAsStringAsync()), StringComparison.Ordinal);
            }

            var database = new MetadataDatabase(DataDirectory.Open(data), Microsoft.Extensions.Options.Options.Create(new DatabaseOptions { PostgreSql = postgres }));
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (File.Exists(Path.Combine(data, "vault", replyId + ".gpg")) || await CountRepliesAsync(database) > 0)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), "The worker did not erase the deleted reply within 90 s:\n" + run.Output);
                await Task.Delay(250);
            }

            var afterwards = await journalist.Http.GetStringAsync(new Uri(sourcePath, UriKind.Relative));
            Assert.DoesNotContain(replyText, WebUtility.HtmlDecode(afterwards), StringComparison.Ordinal);

            run.Terminate();
            Assert.Equal(0, await run.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            var logs = run.Output + initOutput;
            Assert.DoesNotContain(marker, logs, StringComparison.Ordinal);
            Assert.DoesNotContain(codename, logs, StringComparison.Ordinal);
        }

        var scanned = new List<string> { data, temp };
        if (postgres is not null)
        {
            var dumps = Directory.CreateDirectory(work.Combine("pg_dump")).FullName;
            await TestPostgres.DumpAsync(postgres, Path.Combine(dumps, "instance.sql"));
            Assert.Contains("COPY public.replies", await File.ReadAllTextAsync(Path.Combine(dumps, "instance.sql")), StringComparison.Ordinal);
            scanned.Add(dumps);
        }

        var canaries = new Dictionary<string, byte[]>
        {
            ["reply text"] = Encoding.UTF8.GetBytes(replyText),
            ["reply marker"] = Encoding.UTF8.GetBytes(marker),
            ["codename"] = Encoding.UTF8.GetBytes(codename),
        };
        Assert.Empty(ForensicScan.Find(scanned, canaries));
    }

    private static async Task<long> CountRepliesAsync(MetadataDatabase database)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM replies");
    }
}

namespace SecureDrop.Net.Reviewer.Tests;

/// <summary>
/// Replying from a source's page: one OpenPGP message to the source's reply key and the newsroom key, in the vault
/// with a row, shown in order to journalists, audit-logged; refused without a session, a token, text or a reply key.
/// </summary>
public sealed class ReplyTests : ConsoleTestBase
{
    [Fact]
    public async Task Reply_IsEncryptedToSourceAndNewsroom_ShownInOrder_AndAudited()
    {
        var (sourceId, replyKey) = await Seed.SourceWithReplyKeyAsync(Instance.Database);
        using var sourceKey = replyKey;
        await Seed.SubmissionForSourceAsync(Instance.Database, sourceId, "first tip");
        using var journalist = await SignedInAsync();

        using (var first = await PostReplyAsync(journalist, sourceId, "<i>First answer</i> from us"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal($"/sources/{sourceId}", first.RequestMessage?.RequestUri?.AbsolutePath);
        }

        using (var second = await PostReplyAsync(journalist, sourceId, "Second answer"))
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        }

        var page = await journalist.Http.GetStringAsync(new Uri($"/sources/{sourceId}", UriKind.Relative));
        var firstAt = page.IndexOf("&lt;i&gt;First answer&lt;/i&gt; from us", StringComparison.Ordinal);
        Assert.True(firstAt > 0 && firstAt < page.IndexOf("Second answer", StringComparison.Ordinal));
        Assert.DoesNotContain("<i>First answer", page, StringComparison.Ordinal);

        await using var connection = await Instance.Database.OpenAsync();
        var replies = (await connection.QueryAsync<(string Id, int Number, int AfterSubmission)>(
            "SELECT id, number, after_submission FROM replies WHERE source_id = @sourceId ORDER BY number", new { sourceId })).AsList();
        Assert.Equal([1, 2], replies.Select(r => r.Number));
        Assert.All(replies, r => Assert.Equal(1, r.AfterSubmission));
        var path = Path.Combine(Instance.Data.VaultDirectory, replies[0].Id + ".gpg");
        using (var ciphertext = File.OpenRead(path))
        using (var plaintext = new MemoryStream())
        {
            MessageDecryptor.Decrypt(ciphertext, sourceKey, plaintext);
            Assert.Equal("<i>First answer</i> from us", System.Text.Encoding.UTF8.GetString(plaintext.ToArray()));
        }

        using (var ciphertext = File.OpenRead(path))
        {
            Assert.Equal(2, MessageDecryptor.ReadRecipientKeyIds(ciphertext).Count);
        }

        var audit = await connection.QueryAsync<string>("SELECT action FROM audit_events WHERE subject = @sourceId", new { sourceId });
        Assert.Equal(2, audit.Count(action => action == "reply"));
    }

    [Fact]
    public async Task Replies_AreInterleavedWithSubmissions_InTheOrderTheyHappened()
    {
        var (sourceId, replyKey) = await Seed.SourceWithReplyKeyAsync(Instance.Database);
        replyKey.Dispose();
        await Seed.SubmissionForSourceAsync(Instance.Database, sourceId, "tip one", ("one.txt", [1]));
        using var journalist = await SignedInAsync();
        using (await PostReplyAsync(journalist, sourceId, "answer to one"))
        {
        }

        await Seed.SubmissionForSourceAsync(Instance.Database, sourceId, "tip two");
        await Seed.SubmissionForSourceAsync(Instance.Database, sourceId, "tip three");
        using (await PostReplyAsync(journalist, sourceId, "answer to three"))
        {
        }

        using (await PostReplyAsync(journalist, sourceId, "second answer to three"))
        {
        }

        var page = await journalist.Http.GetStringAsync(new Uri($"/sources/{sourceId}", UriKind.Relative));

        string[] order = ["tip one", "one.txt", "answer to one", "tip two", "tip three", "answer to three", "second answer to three"];
        var positions = order.Select(text => page.IndexOf(">" + text, StringComparison.Ordinal)).ToList();
        Assert.All(positions, position => Assert.True(position > 0));
        Assert.Equal(positions.Order(), positions);
        Assert.Equal(3, page.Split("<li class=\"card reply\"").Length - 1);
        Assert.Equal(3, page.Split("<li class=\"card submission").Length - 1);
    }

    [Fact]
    public async Task Reply_WithoutSignIn_IsRefusedAndStoresNothing()
    {
        var (sourceId, replyKey) = await Seed.SourceWithReplyKeyAsync(Instance.Database);
        replyKey.Dispose();
        using var signedIn = await SignedInAsync();
        var page = await signedIn.Http.GetStringAsync(new Uri($"/sources/{sourceId}", UriKind.Relative));
        using var anonymous = new JournalistClient(App.Address);
        var loginPage = await anonymous.Http.GetStringAsync(new Uri("/login", UriKind.Relative));

        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["reply"] = "should not be stored",
            ["__RequestVerificationToken"] = HtmlForms.AntiforgeryToken(loginPage),
        });
        using var response = await anonymous.Http.PostAsync(new Uri($"/sources/{sourceId}?handler=reply", UriKind.Relative), form);

        Assert.Contains("Send reply", page, StringComparison.Ordinal);
        Assert.NotEqual($"/sources/{sourceId}", response.RequestMessage?.RequestUri?.AbsolutePath);
        Assert.Equal(0, await CountRepliesAsync());
    }

    [Fact]
    public async Task Reply_WithoutAntiforgery_Returns400AndStoresNothing()
    {
        var (sourceId, replyKey) = await Seed.SourceWithReplyKeyAsync(Instance.Database);
        replyKey.Dispose();
        using var journalist = await SignedInAsync();

        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["reply"] = "no token" });
        using var response = await journalist.Http.PostAsync(new Uri($"/sources/{sourceId}?handler=reply", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await CountRepliesAsync());
    }

    [Fact]
    public async Task Reply_EmptyOrToSourceWithoutReplyKey_Returns400NamingTheProblem()
    {
        var (sourceId, replyKey) = await Seed.SourceWithReplyKeyAsync(Instance.Database);
        replyKey.Dispose();
        var (oldSource, _) = await Seed.SubmissionAsync(Instance, "from before replies");
        using var journalist = await SignedInAsync();

        using var empty = await PostReplyAsync(journalist, sourceId, "   ");
        using var noKey = await PostReplyAsync(journalist, oldSource, "hello");

        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("The reply is empty", await empty.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, noKey.StatusCode);
        Assert.Contains("no reply key yet", await noKey.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await CountRepliesAsync());
        Assert.Single(Directory.GetFiles(Instance.Data.VaultDirectory));
    }

    private static async Task<HttpResponseMessage> PostReplyAsync(JournalistClient journalist, string sourceId, string text)
    {
        var page = await journalist.Http.GetStringAsync(new Uri($"/sources/{sourceId}", UriKind.Relative));
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["reply"] = text,
            ["__RequestVerificationToken"] = HtmlForms.AntiforgeryToken(page),
        });
        return await journalist.Http.PostAsync(new Uri($"/sources/{sourceId}?handler=reply", UriKind.Relative), form);
    }

    private async Task<long> CountRepliesAsync()
    {
        await using var connection = await Instance.Database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM replies");
    }
}

using SecureDrop.Net.Vault.Audit;

namespace SecureDrop.Net.Reviewer.Tests;

/// <summary>Working with sources: sealed item headers, unread counts, stars, statuses, labels, filters and paging.</summary>
public sealed class TriageTests : ConsoleTestBase
{
    [Fact]
    public async Task SourcePage_ShowsFileNameTypeAndSize_FromTheSealedHeader_WhichHoldsNoNameInClear()
    {
        var (sourceId, _) = await Seed.SubmissionAsync(Instance, "hello", ("budget-leak.pdf", new byte[3000]));
        using var journalist = await SignedInAsync();

        var page = await journalist.Http.GetStringAsync(new Uri($"/sources/{sourceId}", UriKind.Relative));

        Assert.Contains("budget-leak.pdf", page, StringComparison.Ordinal);
        Assert.Contains("application/octet-stream, 2.9 KiB", page, StringComparison.Ordinal);
        await using var connection = await Instance.Database.OpenAsync();
        var headers = (await connection.QueryAsync<byte[]>("SELECT metadata FROM items")).ToList();
        Assert.Equal(2, headers.Count);
        Assert.All(headers, header => Assert.DoesNotContain("budget-leak", Encoding.Latin1.GetString(header), StringComparison.Ordinal));
        Assert.Single(headers.Select(h => h.Length).Distinct());
    }

    [Fact]
    public async Task ItemStoredBeforeHeaders_IsListedByDecryptingOnce_AndGetsAHeader()
    {
        var (sourceId, _) = await Seed.SubmissionAsync(Instance, null, ("old.txt", Encoding.UTF8.GetBytes("twelve bytes")));
        await using (var connection = await Instance.Database.OpenAsync())
        {
            await connection.ExecuteAsync("UPDATE items SET metadata = NULL");
        }

        using var journalist = await SignedInAsync();
        var page = await journalist.Http.GetStringAsync(new Uri($"/sources/{sourceId}", UriKind.Relative));

        Assert.Contains("old.txt", page, StringComparison.Ordinal);
        Assert.Contains("12 bytes", page, StringComparison.Ordinal);
        await using var check = await Instance.Database.OpenAsync();
        Assert.Equal(0, await check.ExecuteScalarAsync<long>("SELECT count(*) FROM items WHERE metadata IS NULL"));
    }

    [Fact]
    public async Task UnreadCount_FallsAsMessagesAreViewedAndFilesDownloaded_AndMarkUnreadRestoresIt()
    {
        var (sourceId, _) = await Seed.SubmissionAsync(Instance, "read me", ("f.bin", [1, 2]));
        using var journalist = await SignedInAsync();
        Assert.Equal(2, await UnreadAsync(sourceId));

        var page = await journalist.Http.GetStringAsync(new Uri($"/sources/{sourceId}", UriKind.Relative));
        Assert.Equal(1, await UnreadAsync(sourceId));
        using (var download = await journalist.Http.GetAsync(new Uri(HtmlForms.Links(page, "/items/").First(l => l.EndsWith("/download", StringComparison.Ordinal)), UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        }

        Assert.Equal(0, await UnreadAsync(sourceId));
        using (var unread = await PostFormAsync(journalist, $"/sources/{sourceId}", $"/sources/{sourceId}?handler=read", ("read", "false")))
        {
            Assert.Equal($"/sources/{sourceId}", unread.RequestMessage?.RequestUri?.AbsolutePath);
        }

        // Viewing the page again reads the message once more.
        Assert.Equal(1, await UnreadAsync(sourceId));
        var list = await journalist.Http.GetStringAsync(new Uri("/?unread=true", UriKind.Relative));
        Assert.Contains($"/sources/{sourceId}", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StarStatusAndLabels_ChangeTheListAndItsFilters_AndAreAudited()
    {
        var (plain, _) = await Seed.SubmissionAsync(Instance, "plain");
        var (starred, _) = await Seed.SubmissionAsync(Instance, "starred");
        using var journalist = await SignedInAsync();

        using (await PostFormAsync(journalist, $"/sources/{starred}", $"/sources/{starred}?handler=star", ("starred", "true")))
        using (await PostFormAsync(journalist, $"/sources/{starred}", $"/sources/{starred}?handler=label", ("label", "  Nuclear Leak ")))
        using (await PostFormAsync(journalist, $"/sources/{starred}", $"/sources/{starred}?handler=status", ("status", "in-progress")))
        {
        }

        var list = await journalist.Http.GetStringAsync(new Uri("/", UriKind.Relative));
        Assert.True(list.IndexOf(starred, StringComparison.Ordinal) < list.IndexOf(plain, StringComparison.Ordinal), "starred sources come first");
        Assert.Contains("nuclear leak", list, StringComparison.Ordinal);
        Assert.Contains("in progress", list, StringComparison.Ordinal);
        foreach (var filter in new[] { "starred=true", "label=nuclear+leak", "status=in-progress" })
        {
            var filtered = await journalist.Http.GetStringAsync(new Uri("/?" + filter, UriKind.Relative));
            Assert.Contains($"/sources/{starred}", filtered, StringComparison.Ordinal);
            Assert.DoesNotContain($"/sources/{plain}", filtered, StringComparison.Ordinal);
        }

        using (await PostFormAsync(journalist, $"/sources/{starred}", $"/sources/{starred}?handler=unlabel", ("label", "nuclear leak")))
        {
        }

        Assert.DoesNotContain($"/sources/{starred}", await journalist.Http.GetStringAsync(new Uri("/?label=nuclear+leak", UriKind.Relative)), StringComparison.Ordinal);
        var actions = (await new AuditLog(Instance.Database, TimeProvider.System).RecentAsync(50)).Select(e => e.Action).ToList();
        Assert.Contains("star source", actions);
        Assert.Contains("add label", actions);
        Assert.Contains("remove label", actions);
        Assert.Contains("set source status", actions);
    }

    [Theory]
    [InlineData("label", "label", "<script>")]
    [InlineData("status", "status", "archived")]
    public async Task BadLabelOrStatus_Returns400WithAMessage_AndChangesNothing(string handler, string field, string value)
    {
        var (sourceId, _) = await Seed.SubmissionAsync(Instance, "x");
        using var journalist = await SignedInAsync();

        using var response = await PostFormAsync(journalist, $"/sources/{sourceId}", $"/sources/{sourceId}?handler={handler}", (field, value));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("id=\"error\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var connection = await Instance.Database.OpenAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM source_labels"));
        Assert.Equal("new", await connection.ExecuteScalarAsync<string>("SELECT status FROM sources"));
    }

    [Theory]
    [InlineData("star")]
    [InlineData("label")]
    [InlineData("read")]
    public async Task TriagePost_WithoutAntiforgery_Returns400(string handler)
    {
        var (sourceId, _) = await Seed.SubmissionAsync(Instance, "x");
        using var journalist = await SignedInAsync();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["starred"] = "true", ["label"] = "a", ["read"] = "true" });

        using var response = await journalist.Http.PostAsync(new Uri($"/sources/{sourceId}?handler={handler}", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await using var connection = await Instance.Database.OpenAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM source_labels"));
    }

    [Fact]
    public async Task SourcesList_PagesByKeyset_VisitingEverySourceOnce()
    {
        const int Count = 120;
        await using (var connection = await Instance.Database.OpenAsync())
        {
            for (var i = 0; i < Count; i++)
            {
                await connection.ExecuteAsync(
                    "INSERT INTO sources (id, lookup_id, designation, created_day, last_activity_day, ready_submissions, unread_items, starred) VALUES (@id, @id, @name, '2026-01-01', @day, 1, 0, @starred)",
                    new { id = Ids.New(), name = $"source {i}", day = $"2026-01-{1 + (i % 28):D2}", starred = i % 10 == 0 });
            }
        }

        using var journalist = await SignedInAsync();
        var seen = new List<string>();
        var path = "/";
        for (var pages = 0; path is not null && pages < 10; pages++)
        {
            var page = await journalist.Http.GetStringAsync(new Uri(path, UriKind.Relative));
            seen.AddRange(HtmlForms.Links(page, "/sources/"));
            var next = HtmlForms.Links(page, "/?after=");
            path = next.Count > 0 ? next[0] : null;
        }

        Assert.Equal(Count, seen.Count);
        Assert.Equal(Count, seen.Distinct().Count());
    }

    [Fact]
    public async Task SourcesList_WithAForgedCursor_Returns400()
    {
        using var journalist = await SignedInAsync();
        using var response = await journalist.Http.GetAsync(new Uri("/?after=1.2026-01-01.'%20OR%201=1", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private async Task<long> UnreadAsync(string sourceId)
    {
        await using var connection = await Instance.Database.OpenAsync();
        var counter = await connection.ExecuteScalarAsync<long>("SELECT unread_items FROM sources WHERE id = @sourceId", new { sourceId });
        var actual = await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM items i JOIN submissions s ON s.id = i.submission_id WHERE s.source_id = @sourceId AND i.is_read = @no", new { sourceId, no = false });
        Assert.Equal(actual, counter);
        return counter;
    }
}

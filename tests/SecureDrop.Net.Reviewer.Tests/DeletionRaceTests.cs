namespace SecureDrop.Net.Reviewer.Tests;

/// <summary>
/// The worker's delete job erases an item's file before its row. A source page or a download in between used to
/// fail with a 500 (seen once in CI, the seizure scenario on PostgreSQL, right after a journalist's delete); the
/// console now says the item is being deleted.
/// </summary>
public sealed class DeletionRaceTests : ConsoleTestBase
{
    [Fact]
    public async Task SourcePage_WhileAMessageIsBeingErased_IsServedAndSaysSo()
    {
        var (sourceId, submissionId) = await Seed.SubmissionAsync(Instance, "going, going", ("kept-for-now.txt", [1, 2, 3]));
        using var journalist = await SignedInAsync();
        await EraseFilesOfAsync(submissionId, "message");

        using var response = await journalist.Http.GetAsync(new Uri($"/sources/{sourceId}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains(Sources.Conversation.NoLongerStored, page, StringComparison.Ordinal);
        Assert.DoesNotContain("going, going", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Download_OfAFileBeingErased_IsNotFound()
    {
        var (_, submissionId) = await Seed.SubmissionAsync(Instance, null, ("doomed.bin", [4, 5, 6]));
        using var journalist = await SignedInAsync();
        var itemId = (await EraseFilesOfAsync(submissionId, "file")).Single();

        using var response = await journalist.Http.GetAsync(new Uri($"/items/{itemId}/download", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("no longer stored", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>Erases the vault files of a submission's items of one kind, leaving their rows: the delete job's midpoint.</summary>
    private async Task<IReadOnlyList<string>> EraseFilesOfAsync(string submissionId, string kind)
    {
        await using var connection = await Instance.Database.OpenAsync();
        var ids = (await connection.QueryAsync<string>("SELECT id FROM items WHERE submission_id = @submissionId AND kind = @kind", new { submissionId, kind })).ToList();
        Assert.NotEmpty(ids);
        foreach (var id in ids)
        {
            File.Delete(Path.Combine(Instance.Data.VaultDirectory, id + ".gpg"));
        }

        return ids;
    }
}

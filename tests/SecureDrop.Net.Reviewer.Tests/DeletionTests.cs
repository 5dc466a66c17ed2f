using Microsoft.Extensions.Hosting;

namespace SecureDrop.Net.Reviewer.Tests;

/// <summary>Deleting from the console: confirmation, then the worker's delete job erases ciphertext and rows.</summary>
public sealed class DeletionTests : ConsoleTestBase
{
    private IHost _worker = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _worker = Worker.WorkerApp.Build(Instance.Data);
        await _worker.StartAsync();
    }

    public override async Task DisposeAsync()
    {
        await _worker.StopAsync();
        _worker.Dispose();
        await base.DisposeAsync();
    }


    [Fact]
    public async Task DeleteSubmission_AfterConfirmation_ErasesItsItemsAndKeepsTheRest()
    {
        var (sourceId, doomed) = await Seed.SubmissionAsync(Instance, "delete me", ("doomed.bin", [1, 2, 3]));
        await Seed.SubmissionForSourceAsync(Instance.Database, sourceId, "keep me");
        using var journalist = await SignedInAsync();

        var confirm = await journalist.Http.GetStringAsync(new Uri($"/submissions/{doomed}/delete", UriKind.Relative));
        Assert.Contains("Delete for good", confirm, StringComparison.Ordinal);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = HtmlForms.AntiforgeryToken(confirm) });
        using var deleted = await journalist.Http.PostAsync(new Uri($"/submissions/{doomed}/delete", UriKind.Relative), form);
        Assert.Equal($"/sources/{sourceId}", deleted.RequestMessage?.RequestUri?.AbsolutePath);

        await WaitAsync(async () => await CountAsync("SELECT count(*) FROM submissions") == 1);
        Assert.Single(Directory.GetFiles(Instance.Data.VaultDirectory));
        var page = await journalist.Http.GetStringAsync(new Uri($"/sources/{sourceId}", UriKind.Relative));
        Assert.Contains("keep me", page, StringComparison.Ordinal);
        Assert.DoesNotContain("delete me", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteSource_RemovesEverything_AndAGetNeverDeletes()
    {
        var (sourceId, _) = await Seed.SubmissionAsync(Instance, "source to delete", ("a.bin", [9]));
        using var journalist = await SignedInAsync();

        var confirm = await journalist.Http.GetStringAsync(new Uri($"/sources/{sourceId}/delete", UriKind.Relative));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM sources"));
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = HtmlForms.AntiforgeryToken(confirm) });
        using var deleted = await journalist.Http.PostAsync(new Uri($"/sources/{sourceId}/delete", UriKind.Relative), form);

        await WaitAsync(async () => await CountAsync("SELECT count(*) FROM sources") == 0);
        Assert.Empty(Directory.GetFiles(Instance.Data.VaultDirectory));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM items"));
    }

    [Fact]
    public async Task DeleteWithoutAntiforgery_IsRefused()
    {
        var (sourceId, _) = await Seed.SubmissionAsync(Instance, "kept");
        using var journalist = await SignedInAsync();

        using var form = new FormUrlEncodedContent(new Dictionary<string, string>());
        using var response = await journalist.Http.PostAsync(new Uri($"/sources/{sourceId}/delete", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM sources"));
    }


    private async Task<long> CountAsync(string sql)
    {
        await using var connection = await Instance.Database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(sql);
    }

    private static async Task WaitAsync(Func<Task<bool>> condition)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "The delete job did not finish within 30 s.");
            await Task.Delay(100);
        }
    }
}

using System.Net;
using Dapper;
using Hangfire;
using Microsoft.Extensions.Hosting;
using SecureDrop.Net.Testing;

namespace SecureDrop.Net.Reviewer.Tests;

/// <summary>Deleting from the console: confirmation, then the worker's delete job erases ciphertext and rows.</summary>
public sealed class DeletionTests : IAsyncLifetime
{
    private TestInstance _instance = null!;
    private RunningApp _app = null!;
    private IHost _worker = null!;

    public async Task InitializeAsync()
    {
        _instance = await TestInstance.CreateAsync();
        _app = await RunningApp.StartAsync(url => ReviewerApp.Build(_instance.Data, url));
        _worker = Worker.WorkerApp.Build(_instance.Data);
        await _worker.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _worker.StopAsync();
        _worker.Dispose();
        await _app.DisposeAsync();
        _instance.Dispose();
    }

    [Fact]
    public async Task DeleteSubmission_AfterConfirmation_ErasesItsItemsAndKeepsTheRest()
    {
        var (sourceId, doomed) = await Seed.SubmissionAsync(_instance, "delete me", ("doomed.bin", [1, 2, 3]));
        await Seed.SubmissionForSourceAsync(_instance.Database, sourceId, "keep me");
        using var journalist = await SignedInAsync();

        var confirm = await journalist.Http.GetStringAsync(new Uri($"/submissions/{doomed}/delete", UriKind.Relative));
        Assert.Contains("Delete for good", confirm, StringComparison.Ordinal);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = HtmlForms.AntiforgeryToken(confirm) });
        using var deleted = await journalist.Http.PostAsync(new Uri($"/submissions/{doomed}/delete", UriKind.Relative), form);
        Assert.Equal($"/sources/{sourceId}", deleted.RequestMessage?.RequestUri?.AbsolutePath);

        await WaitAsync(async () => await CountAsync("SELECT count(*) FROM submissions") == 1);
        Assert.Single(Directory.GetFiles(_instance.Data.VaultDirectory));
        var page = await journalist.Http.GetStringAsync(new Uri($"/sources/{sourceId}", UriKind.Relative));
        Assert.Contains("keep me", page, StringComparison.Ordinal);
        Assert.DoesNotContain("delete me", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteSource_RemovesEverything_AndAGetNeverDeletes()
    {
        var (sourceId, _) = await Seed.SubmissionAsync(_instance, "source to delete", ("a.bin", [9]));
        using var journalist = await SignedInAsync();

        var confirm = await journalist.Http.GetStringAsync(new Uri($"/sources/{sourceId}/delete", UriKind.Relative));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM sources"));
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = HtmlForms.AntiforgeryToken(confirm) });
        using var deleted = await journalist.Http.PostAsync(new Uri($"/sources/{sourceId}/delete", UriKind.Relative), form);

        await WaitAsync(async () => await CountAsync("SELECT count(*) FROM sources") == 0);
        Assert.Empty(Directory.GetFiles(_instance.Data.VaultDirectory));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM items"));
    }

    [Fact]
    public async Task DeleteWithoutAntiforgery_IsRefused()
    {
        var (sourceId, _) = await Seed.SubmissionAsync(_instance, "kept");
        using var journalist = await SignedInAsync();

        using var form = new FormUrlEncodedContent(new Dictionary<string, string>());
        using var response = await journalist.Http.PostAsync(new Uri($"/sources/{sourceId}/delete", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM sources"));
    }

    private async Task<JournalistClient> SignedInAsync()
    {
        var journalist = new JournalistClient(_app.Address);
        using var response = await journalist.LoginAsync(_instance.Secrets.AdminUsername, _instance.Secrets.AdminPassphrase);
        Assert.Equal("/", response.RequestMessage?.RequestUri?.AbsolutePath);
        return journalist;
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = await _instance.Database.OpenAsync();
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

using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using SecureDrop.Net.Vault.Audit;

namespace SecureDrop.Net.Reviewer.Tests;

/// <summary>
/// Issue 20's download leftovers, over real Kestrel: a HEAD changes nothing, a decrypted item announces its length,
/// and an item stored before sealed headers is decrypted once per download. The console's own log counts decryptions
/// (event 3115, one per pass over an item's file).
/// </summary>
public sealed class DownloadHeadersTests : ConsoleTestBase, IDisposable
{
    private readonly LogCapture _logs = new();

    public void Dispose() => _logs.Dispose();

    protected override void Services(IServiceCollection services)
    {
        services.AddSingleton<ILoggerProvider>(_logs);
        // Event 3115 is Debug: captured here for this category only.
        services.AddLogging(logging => logging.AddFilter<LogCapture>(typeof(Items.ItemReader).FullName, LogLevel.Debug));
    }

    [Fact]
    public async Task Head_OnEveryDownload_AnswersWithGetsHeaders_AndDecryptsAuditsAndMarksNothing()
    {
        // Large enough to take several buffers; HTML, which mat2 cleans, for the scrubbed copy.
        var content = Encoding.UTF8.GetBytes("<html><head><title>t</title></head><body><p>" + new string('x', 300 * 1024) + "</p></body></html>");
        var (sourceId, _) = await Seed.SubmissionAsync(Instance, null, ("report.html", content));
        var itemId = (await new ItemStore(Instance.Database).ItemsOfSourceAsync(sourceId)).Single().Id;
        using var journalist = await SignedInAsync();
        var auditBefore = await AuditCountAsync();
        string[] paths = [$"/items/{itemId}/download", $"/items/{itemId}/ciphertext", $"/items/{itemId}/scrubbed", $"/sources/{sourceId}/zip?item={itemId}"];

        var heads = new List<HttpResponseMessage>();
        foreach (var path in paths)
        {
            heads.Add(await journalist.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(path, UriKind.Relative))));
        }

        Assert.All(heads, head => Assert.Equal(HttpStatusCode.OK, head.StatusCode));
        Assert.Equal(auditBefore, await AuditCountAsync());
        Assert.False((await new ItemStore(Instance.Database).ItemAsync(itemId))!.IsRead);
        Assert.Empty(Decryptions(itemId));
        Assert.Empty(Directory.Exists(Path.Combine(Instance.Data.Root, "scrub")) ? Directory.EnumerateFileSystemEntries(Path.Combine(Instance.Data.Root, "scrub")) : []);

        // What the GETs then send starts with the same headers: name, type and (where known) length.
        foreach (var (path, head) in paths.Zip(heads))
        {
            using var get = await journalist.Http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal(get.Content.Headers.ContentType, head.Content.Headers.ContentType);
            Assert.Equal(get.Content.Headers.ContentDisposition?.FileNameStar, head.Content.Headers.ContentDisposition?.FileNameStar);
            Assert.Empty(await head.Content.ReadAsByteArrayAsync());
            if (!path.EndsWith("/scrubbed", StringComparison.Ordinal) && !path.Contains("/zip", StringComparison.Ordinal))
            {
                Assert.Equal(get.Content.Headers.ContentLength, head.Content.Headers.ContentLength);
            }

            head.Dispose();
        }

        Assert.Equal("report.html", heads[0].Content.Headers.ContentDisposition?.FileNameStar);
        Assert.Equal(content.Length, heads[0].Content.Headers.ContentLength);
        Assert.Equal(auditBefore + paths.Length, await AuditCountAsync());
        Assert.True((await new ItemStore(Instance.Database).ItemAsync(itemId))!.IsRead);
    }

    [Fact]
    public async Task Head_OnAMissingOrUndecryptableItem_AnswersAsGetDoes()
    {
        var (sourceId, _) = await Seed.SubmissionAsync(Instance, null, ("a.txt", [1, 2, 3]), ("b.txt", [4, 5, 6]));
        var items = await new ItemStore(Instance.Database).ItemsOfSourceAsync(sourceId);
        File.Delete(Path.Combine(Instance.Data.VaultDirectory, items[0].Id + ".gpg"));
        await using (var connection = await Instance.Database.OpenAsync())
        {
            // A header that does not open: the GET refuses the item with 422, so must the HEAD.
            await connection.ExecuteAsync("UPDATE items SET metadata = @junk WHERE id = @id", new { junk = RandomNumberGenerator.GetBytes(1024), id = items[1].Id });
        }

        using var journalist = await SignedInAsync();
        foreach (var path in new[] { $"/items/{items[0].Id}/download", $"/items/{items[1].Id}/download", "/items/0123456789abcdef0123456789abcdef/download" })
        {
            using var get = await journalist.Http.GetAsync(new Uri(path, UriKind.Relative));
            using var head = await journalist.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(path, UriKind.Relative)));
            Assert.NotEqual(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal(get.StatusCode, head.StatusCode);
        }
    }

    [Fact]
    public async Task Decrypted_AnnouncesItsLength_AndAnAlteredItemArrivesShortOfIt()
    {
        var whole = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
        var altered = RandomNumberGenerator.GetBytes(2 * 1024 * 1024);
        var (sourceId, _) = await Seed.SubmissionAsync(Instance, null, ("whole.bin", whole), ("altered.bin", altered));
        var items = await new ItemStore(Instance.Database).ItemsOfSourceAsync(sourceId);
        var path = Path.Combine(Instance.Data.VaultDirectory, items[1].Id + ".gpg");
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[^3000] ^= 0x01;
        await File.WriteAllBytesAsync(path, bytes);
        using var journalist = await SignedInAsync();

        using (var response = await journalist.Http.GetAsync(new Uri($"/items/{items[0].Id}/download", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(whole.Length, response.Content.Headers.ContentLength);
            Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
            Assert.Equal(whole, await response.Content.ReadAsByteArrayAsync());
        }

        // The integrity check fails at the end: the last bytes are never sent, the connection is cut, and the
        // client, told the length, knows the file is incomplete.
        using var cut = await journalist.Http.GetAsync(new Uri($"/items/{items[1].Id}/download", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(altered.Length, cut.Content.Headers.ContentLength);
        await using var body = await cut.Content.ReadAsStreamAsync();
        using var received = new MemoryStream();
        await Assert.ThrowsAnyAsync<IOException>(() => body.CopyToAsync(received));
        Assert.True(received.Length < altered.Length, $"{received.Length} of {altered.Length} bytes arrived");
    }

    [Fact]
    public async Task ItemsStoredBeforeHeaders_AreDecryptedOncePerDownload_AndGetTheirHeaderFromIt()
    {
        var large = RandomNumberGenerator.GetBytes(1024 * 1024 + 5);
        var small = Encoding.UTF8.GetBytes("a small old file");
        var zipped = RandomNumberGenerator.GetBytes(200 * 1024);
        var (sourceId, _) = await Seed.SubmissionAsync(Instance, null, ("old-large.bin", large), ("old-small.txt", small), ("old-zipped.bin", zipped));
        var items = await new ItemStore(Instance.Database).ItemsOfSourceAsync(sourceId);
        await using (var connection = await Instance.Database.OpenAsync())
        {
            await connection.ExecuteAsync("UPDATE items SET metadata = NULL");
        }

        using var journalist = await SignedInAsync();
        var (largeId, smallId, zippedId) = (items[0].Id, items[1].Id, items[2].Id);

        using (var first = await journalist.Http.GetAsync(new Uri($"/items/{largeId}/download", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead))
        {
            // Its name and length come at the end of its decryption, after the response had to start: named after
            // the item, sent chunked.
            Assert.Equal(largeId + ".bin", first.Content.Headers.ContentDisposition?.FileNameStar);
            Assert.True(first.Headers.TransferEncodingChunked);
            Assert.Equal(large, await first.Content.ReadAsByteArrayAsync());
        }

        using (var first = await journalist.Http.GetAsync(new Uri($"/items/{smallId}/download", UriKind.Relative)))
        {
            // All of it decrypted before the response started: its own name.
            Assert.Equal(small, await first.Content.ReadAsByteArrayAsync());
            Assert.Equal("old-small.txt", first.Content.Headers.ContentDisposition?.FileNameStar);
        }

        var zip = await journalist.Http.GetByteArrayAsync(new Uri($"/sources/{sourceId}/zip?item={zippedId}", UriKind.Relative));
        using (var archive = new System.IO.Compression.ZipArchive(new MemoryStream(zip)))
        {
            Assert.Equal($"001-{zippedId}.bin", Assert.Single(archive.Entries).FullName);
        }

        Assert.Single(Decryptions(largeId));
        Assert.Single(Decryptions(smallId));
        Assert.Single(Decryptions(zippedId));

        // Each pass sealed the item's header: the next download is named, announces its length, and still decrypts once.
        using var again = await journalist.Http.GetAsync(new Uri($"/items/{largeId}/download", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("old-large.bin", again.Content.Headers.ContentDisposition?.FileNameStar);
        Assert.Equal(large.Length, again.Content.Headers.ContentLength);
        Assert.Equal(large, await again.Content.ReadAsByteArrayAsync());
        Assert.Equal(2, Decryptions(largeId).Count);
        await using var check = await Instance.Database.OpenAsync();
        Assert.Equal(0, await check.ExecuteScalarAsync<long>("SELECT count(*) FROM items WHERE metadata IS NULL"));
    }

    [Fact]
    public async Task ScrubbedCopiesOfItemsStoredBeforeHeaders_DecryptOnce_AndTheirHeaderIsSealed()
    {
        Assert.True(File.Exists("/usr/bin/mat2"), "Debian's mat2 is a test dependency (ops/dev/install-test-dependencies.sh)");
        var html = Encoding.UTF8.GetBytes("<html><head><meta name=\"author\" content=\"Jane Leaker\"/><title>t</title></head><body><p>the body</p></body></html>");
        var (sourceId, _) = await Seed.SubmissionAsync(Instance, null, ("old-page.html", html), ("old-data.bin", [1, 2, 3]));
        var items = await new ItemStore(Instance.Database).ItemsOfSourceAsync(sourceId);
        await using (var connection = await Instance.Database.OpenAsync())
        {
            await connection.ExecuteAsync("UPDATE items SET metadata = NULL");
        }

        using var journalist = await SignedInAsync();
        using var cleaned = await journalist.Http.GetAsync(new Uri($"/items/{items[0].Id}/scrubbed", UriKind.Relative));
        using var refused = await journalist.Http.GetAsync(new Uri($"/items/{items[1].Id}/scrubbed", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, cleaned.StatusCode);
        Assert.Equal("scrubbed-old-page.html", cleaned.Content.Headers.ContentDisposition?.FileNameStar);
        Assert.DoesNotContain("Jane Leaker", await cleaned.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, refused.StatusCode);
        Assert.Contains("old-data.bin", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single(Decryptions(items[0].Id));
        Assert.Single(Decryptions(items[1].Id));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(Instance.Data.Root, "scrub")));
        await using var check = await Instance.Database.OpenAsync();
        Assert.Equal(0, await check.ExecuteScalarAsync<long>("SELECT count(*) FROM items WHERE metadata IS NULL"));
    }

    private List<string> Decryptions(string itemId) =>
        [.. _logs.Lines.Where(line => line.Contains("[3115]", StringComparison.Ordinal) && line.Contains(itemId, StringComparison.Ordinal))];

    private async Task<int> AuditCountAsync() => (await new AuditLog(Instance.Database, TimeProvider.System).RecentAsync(1000)).Count;
}

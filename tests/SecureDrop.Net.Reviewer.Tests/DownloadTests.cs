using System.IO.Compression;
using System.Security.Cryptography;

namespace SecureDrop.Net.Reviewer.Tests;

/// <summary>Ciphertext, zip and metadata-scrubbed downloads.</summary>
public sealed class DownloadTests : ConsoleTestBase
{
    [Fact]
    public async Task Ciphertext_IsTheVaultFileByteForByte_AsAnAttachmentNotNamedAfterTheFile()
    {
        var (sourceId, _) = await Seed.SubmissionAsync(Instance, null, ("secret-name.doc", [1, 2, 3]));
        using var journalist = await SignedInAsync();
        var page = await journalist.Http.GetStringAsync(new Uri($"/sources/{sourceId}", UriKind.Relative));
        var link = HtmlForms.Links(page, "/items/").Single(l => l.EndsWith("/ciphertext", StringComparison.Ordinal));

        using var response = await journalist.Http.GetAsync(new Uri(link, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.DoesNotContain("secret", response.Content.Headers.ContentDisposition?.ToString() ?? "", StringComparison.Ordinal);
        Assert.True(response.Headers.CacheControl?.NoStore);
        var itemId = link.Split('/')[2];
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(Instance.Data.VaultDirectory, itemId + ".gpg")), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Zip_OfSelectedItems_HoldsTheirPlaintext_AndNothingElse()
    {
        var (sourceId, _) = await Seed.SubmissionAsync(Instance, "the message", ("../../etc/a.txt", Encoding.UTF8.GetBytes("file a")), ("b.txt", Encoding.UTF8.GetBytes("file b")));
        using var journalist = await SignedInAsync();
        var page = await journalist.Http.GetStringAsync(new Uri($"/sources/{sourceId}", UriKind.Relative));
        var ids = HtmlForms.Links(page, "/items/").Where(l => l.EndsWith("/download", StringComparison.Ordinal)).Select(l => l.Split('/')[2]).ToList();
        Assert.Equal(2, ids.Count);

        using var response = await journalist.Http.GetAsync(new Uri($"/sources/{sourceId}/zip?item={ids[0]}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        using var zip = new ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync()));
        var entry = Assert.Single(zip.Entries);
        Assert.DoesNotContain('/', entry.FullName);
        Assert.EndsWith("a.txt", entry.FullName, StringComparison.Ordinal);
        using var reader = new StreamReader(entry.Open());
        Assert.Equal("file a", await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task Decrypted_ItemsOfManyBuffers_StreamWhole_AloneAndInAZip()
    {
        var first = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 12345);
        var second = RandomNumberGenerator.GetBytes(200 * 1024);
        var (sourceId, _) = await Seed.SubmissionAsync(Instance, null, ("first.bin", first), ("second.bin", second));
        var items = await new Vault.Submissions.ItemStore(Instance.Database).ItemsOfSourceAsync(sourceId);
        using var journalist = await SignedInAsync();

        Assert.Equal(first, await journalist.Http.GetByteArrayAsync(new Uri($"/items/{items[0].Id}/download", UriKind.Relative)));
        var zipped = await journalist.Http.GetByteArrayAsync(new Uri($"/sources/{sourceId}/zip?item={items[0].Id}&item={items[1].Id}", UriKind.Relative));

        using var zip = new ZipArchive(new MemoryStream(zipped));
        Assert.Equal(["001-first.bin", "001-second.bin"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        foreach (var (entry, expected) in zip.Entries.OrderBy(e => e.FullName, StringComparer.Ordinal).Zip([first, second]))
        {
            using var content = new MemoryStream();
            await using (var stream = entry.Open())
            {
                await stream.CopyToAsync(content);
            }

            Assert.Equal(expected, content.ToArray());
        }
    }

    [Fact]
    public async Task Decrypted_AlteredSmallItem_IsRefusedWith422_BeforeAnyPlaintextIsSent()
    {
        var (sourceId, _) = await Seed.SubmissionAsync(Instance, null, ("small.txt", Encoding.UTF8.GetBytes(new string('x', 5000))));
        var itemId = (await new Vault.Submissions.ItemStore(Instance.Database).ItemsOfSourceAsync(sourceId)).Single().Id;
        FlipByte(itemId, fromEnd: 1500);
        using var journalist = await SignedInAsync();

        using var response = await journalist.Http.GetAsync(new Uri($"/items/{itemId}/download", UriKind.Relative));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("cannot be decrypted", body, StringComparison.Ordinal);
        Assert.DoesNotContain("xxxx", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decrypted_AlteredLargeItem_NeverArrivesWhole_AloneOrInAZip()
    {
        var content = RandomNumberGenerator.GetBytes(2 * 1024 * 1024);
        var (sourceId, _) = await Seed.SubmissionAsync(Instance, null, ("large.bin", content));
        var itemId = (await new Vault.Submissions.ItemStore(Instance.Database).ItemsOfSourceAsync(sourceId)).Single().Id;
        // Near the end: the first megabytes decrypt as they were, only the integrity check at the end fails.
        FlipByte(itemId, fromEnd: 3000);
        using var journalist = await SignedInAsync();

        var single = await CutOffAsync(journalist, $"/items/{itemId}/download");
        var zipped = await CutOffAsync(journalist, $"/sources/{sourceId}/zip?item={itemId}");

        Assert.True(single.Length < content.Length, $"{single.Length} of {content.Length} bytes arrived");
        // What did arrive of the zip is no zip: neither the item's data descriptor nor the central directory was sent.
        Assert.ThrowsAny<InvalidDataException>(() => new ZipArchive(new MemoryStream(zipped)).Entries.Count);
    }

    /// <summary>What arrives of a download whose connection is cut before its end (the client then knows it failed).</summary>
    private static async Task<byte[]> CutOffAsync(JournalistClient journalist, string path)
    {
        using var response = await journalist.Http.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();
        using var received = new MemoryStream();
        await Assert.ThrowsAnyAsync<IOException>(() => body.CopyToAsync(received));
        return received.ToArray();
    }

    private void FlipByte(string itemId, int fromEnd)
    {
        var path = Path.Combine(Instance.Data.VaultDirectory, itemId + ".gpg");
        var bytes = File.ReadAllBytes(path);
        bytes[^fromEnd] ^= 0x01;
        File.WriteAllBytes(path, bytes);
    }

    [Fact]
    public async Task Zip_WithAnItemOfAnotherSource_Returns400()
    {
        var (sourceId, _) = await Seed.SubmissionAsync(Instance, "mine");
        var (_, _) = await Seed.SubmissionAsync(Instance, null, ("other.txt", [1]));
        using var journalist = await SignedInAsync();
        var otherItem = (await new Vault.Submissions.ItemStore(Instance.Database).AllReadyItemsAsync()).Single(i => i.SourceId != sourceId).Id;

        using var response = await journalist.Http.GetAsync(new Uri($"/sources/{sourceId}/zip?item={otherItem}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Choose the items", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scrubbed_RemovesMetadataWithMat2_AndLeavesNoPlaintextBehind()
    {
        Assert.True(File.Exists("/usr/bin/mat2"), "Debian's mat2 is a test dependency (ops/dev/install-test-dependencies.sh)");
        var html = "<html><head><meta name=\"author\" content=\"Jane Leaker\"/><title>t</title></head><body><p>the body</p></body></html>";
        var (sourceId, _) = await Seed.SubmissionAsync(Instance, null, ("page.html", Encoding.UTF8.GetBytes(html)));
        using var journalist = await SignedInAsync();
        var page = await journalist.Http.GetStringAsync(new Uri($"/sources/{sourceId}", UriKind.Relative));
        Assert.Contains("metadata removed (mat2)", page, StringComparison.Ordinal);
        var link = HtmlForms.Links(page, "/items/").Single(l => l.EndsWith("/scrubbed", StringComparison.Ordinal));

        using var response = await journalist.Http.GetAsync(new Uri(link, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("scrubbed-page.html", response.Content.Headers.ContentDisposition?.FileNameStar);
        var cleaned = await response.Content.ReadAsStringAsync();
        Assert.Contains("the body", cleaned, StringComparison.Ordinal);
        Assert.DoesNotContain("Jane Leaker", cleaned, StringComparison.Ordinal);
        var work = Path.Combine(Instance.Data.Root, "scrub");
        Assert.Empty(Directory.EnumerateFileSystemEntries(work));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(work));
    }

    [Theory]
    [InlineData("data.bin", "not a file", 415, "mat2 cannot clean")]
    [InlineData("photo.png", "not a png at all", 422, "mat2 could not clean")]
    public async Task Scrubbed_RefusesWhatMat2CannotClean_WithAClearMessage(string name, string content, int status, string message)
    {
        var (sourceId, _) = await Seed.SubmissionAsync(Instance, null, (name, Encoding.UTF8.GetBytes(content)));
        using var journalist = await SignedInAsync();
        var itemId = (await new Vault.Submissions.ItemStore(Instance.Database).ItemsOfSourceAsync(sourceId)).Single().Id;

        using var response = await journalist.Http.GetAsync(new Uri($"/items/{itemId}/scrubbed", UriKind.Relative));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var work = Path.Combine(Instance.Data.Root, "scrub");
        Assert.True(!Directory.Exists(work) || !Directory.EnumerateFileSystemEntries(work).Any());
    }
}

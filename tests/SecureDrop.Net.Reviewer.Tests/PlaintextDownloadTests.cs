using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using SecureDrop.Net.Reviewer.Items;

namespace SecureDrop.Net.Reviewer.Tests;

/// <summary>
/// A download that announces its length, on real Kestrel: the octets that complete the length leave only after the
/// decryption returned. An altered item can decrypt to more than its header says (a garbled padding packet read as
/// data) before its integrity check fails; the relay then hands over what would have been its held-back last
/// buffer, and a client told the length would have taken the first octets for the whole file.
/// </summary>
public sealed class PlaintextDownloadTests
{
    private const int Chunk = PlaintextRelay.ChunkBytes;

    [Fact]
    public async Task AlteredItemDecryptingPastItsAnnouncedLength_NeverArrivesComplete()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        await using var app = builder.Build();
        app.MapGet("/", () => new PlaintextDownload(
            sink =>
            {
                // The announced two buffers, then more (the garbled padding), then the failed integrity check.
                sink.Write(new byte[2 * Chunk]);
                sink.Write(new byte[Chunk]);
                sink.Write(new byte[1]);
                throw new InvalidDataException("MDC mismatch");
            },
            "application/octet-stream",
            () => "altered.bin",
            2 * Chunk,
            "test",
            _ => null,
            _ => Task.CompletedTask,
            null,
            NullLogger.Instance));
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        using var response = await http.GetAsync(new Uri("/", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(2 * Chunk, response.Content.Headers.ContentLength);
        await using var body = await response.Content.ReadAsStreamAsync();
        using var received = new MemoryStream();

        await Assert.ThrowsAnyAsync<IOException>(() => body.CopyToAsync(received));
        Assert.True(received.Length < 2 * Chunk, $"{received.Length} of {2 * Chunk} octets arrived");
    }
}

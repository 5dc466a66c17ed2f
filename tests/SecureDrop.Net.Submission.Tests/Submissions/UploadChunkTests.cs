using System.Security.Cryptography;
using SecureDrop.Net.Submission.Submissions;
using SecureDrop.Net.Submission.Tests.Support;

namespace SecureDrop.Net.Submission.Tests.Submissions;

/// <summary>A slow upload is read into a small buffer; one that proves fast gets the large one (memory per slow upload).</summary>
public sealed class UploadChunkTests
{
    [Fact]
    public void Chunk_StaysSmallAtTorSpeedsEvenWhenReadsFillIt_AndGrowsOnceThePartArrivesFast()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        using var slow = new UploadChunk(clock);
        Assert.Equal(UploadChunk.SlowBytes, slow.Buffer.Length);
        // 64 KiB/s for two minutes, every read filling the small chunk (a busy front end finds it waiting): 7.5 MiB
        // arrive, past the amount that could grow it, but never at a rate no Tor circuit reaches.
        for (var i = 0; i < 480; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(250));
            Assert.Equal(UploadChunk.SlowBytes, slow.AfterRead(UploadChunk.SlowBytes).Length);
        }

        Assert.False(slow.IsFast);

        using var fast = new UploadChunk(clock);
        // Loopback or a LAN: 4 MiB in 100 ms (40 MiB/s). Small until the 4 MiB are in, large from then on.
        var reads = (int)(UploadChunk.GrowAfterBytes / UploadChunk.SlowBytes);
        for (var i = 1; i < reads; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(100.0 / reads));
            Assert.Equal(UploadChunk.SlowBytes, fast.AfterRead(UploadChunk.SlowBytes).Length);
        }

        Assert.Equal(UploadChunk.FastBytes, fast.AfterRead(UploadChunk.SlowBytes).Length);
        Assert.True(fast.IsFast);
        Assert.Equal(UploadChunk.FastBytes, fast.AfterRead(10).Length);
    }

    [Fact]
    public async Task FileArrivingInSmallPieces_IsStoredByteIdentical()
    {
        await using var host = await FrontEndHost.StartAsync();
        using var source = new SourceClient(host.Address);
        await source.GenerateAndContinueAsync();
        var file = RandomNumberGenerator.GetBytes(200 * 1024);
        var page = await source.Http.GetStringAsync(new Uri("/submit", UriKind.Relative));
        using var form = SourceClient.SubmissionForm(HtmlForms.AntiforgeryToken(page), null, ("slow.bin", file));
        using var paced = new PacedContent(await form.ReadAsByteArrayAsync(), form.Headers.ContentType!);

        using var response = await source.Http.PostAsync(new Uri("/submit", UriKind.Relative), paced);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (name, content) = host.DecryptIntakeItem(Assert.Single(Directory.GetFiles(host.Data.IntakeDirectory, "*.gpg")));
        Assert.Equal("slow.bin", name);
        Assert.Equal(file, content);
    }

    /// <summary>A body sent 3 KiB at a time, each piece flushed before the next, as a slow circuit delivers it.</summary>
    private sealed class PacedContent : HttpContent
    {
        private readonly byte[] _body;

        public PacedContent(byte[] body, System.Net.Http.Headers.MediaTypeHeaderValue type)
        {
            _body = body;
            Headers.ContentType = type;
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var offset = 0; offset < _body.Length; offset += 3 * 1024)
            {
                await stream.WriteAsync(_body.AsMemory(offset, Math.Min(3 * 1024, _body.Length - offset)));
                await stream.FlushAsync();
                await Task.Delay(1);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _body.Length;
            return true;
        }
    }
}

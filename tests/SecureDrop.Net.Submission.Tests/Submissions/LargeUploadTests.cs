using System.Security.Cryptography;
using SecureDrop.Net.Submission.Tests.Support;

namespace SecureDrop.Net.Submission.Tests.Submissions;

/// <summary>A file larger than every buffer on the way in (Kestrel's blocks, the multipart reads, the encryptor's pieces).</summary>
public sealed class LargeUploadTests
{
    [Fact]
    public async Task FileOfSeveralMiB_WithBoundaryLikeBytes_IsStoredEncrypted_AndDecryptsByteIdentical()
    {
        await using var host = await FrontEndHost.StartAsync();
        using var source = new SourceClient(host.Address);
        await source.GenerateAndContinueAsync();
        // An odd length, and near-boundaries ("\r\n--" then a different token) sprinkled where reads and blocks end.
        var content = RandomNumberGenerator.GetBytes((5 * 1024 * 1024) + 12_345);
        var almostBoundary = Encoding.ASCII.GetBytes("\r\n--not-the-boundary\r\n");
        foreach (var at in new[] { 0, (64 * 1024) - 3, (256 * 1024) - 10, 1024 * 1024, content.Length - almostBoundary.Length })
        {
            almostBoundary.CopyTo(content, at);
        }

        using var response = await source.SubmitAsync("With a large file", ("large.bin", content));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = Directory.GetFiles(host.Data.IntakeDirectory, "*.gpg").Select(host.DecryptIntakeItem).ToList();
        var (_, stored) = Assert.Single(items, item => item.Name == "large.bin");
        Assert.Equal(content, stored);
        Assert.Empty(Directory.GetFiles(host.Data.IntakeDirectory, "*.part"));
    }
}

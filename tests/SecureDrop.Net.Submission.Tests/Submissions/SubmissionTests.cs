using SecureDrop.Net.Submission.Tests.Support;

namespace SecureDrop.Net.Submission.Tests.Submissions;

/// <summary>What is stored for a submission, looked at from the console's side with the newsroom secret key.</summary>
public sealed class SubmissionTests
{
    [Fact]
    public async Task FileEncryptedBySourceWithGpg_IsStoredAsSent_AndFoundByteIdenticalAfterDecrypt()
    {
        // A classic newsroom key: gpg 2.2 cannot encrypt to a post-quantum one.
        await using var host = await FrontEndHost.StartAsync(algorithm: Crypto.NewsroomKeyAlgorithm.Curve25519);
        using var source = new SourceClient(host.Address);
        using var gpg = new Gpg();
        var publicKey = await source.Http.GetByteArrayAsync(new Uri("/public-key", UriKind.Relative));
        var keyFile = Path.Combine(gpg.Home, "newsroom.asc");
        await File.WriteAllBytesAsync(keyFile, publicKey);
        await gpg.RunAsync("--import", keyFile);
        var plainFile = Path.Combine(gpg.Home, "leak.txt");
        await File.WriteAllTextAsync(plainFile, "Self-encrypted canary e61b");
        var sealedFile = plainFile + ".gpg";
        await gpg.RunAsync("--trust-model", "always", "--recipient", host.Key.Fingerprint, "--output", sealedFile, "--encrypt", plainFile);
        var sealedBytes = await File.ReadAllBytesAsync(sealedFile);

        await source.GenerateAndContinueAsync();
        using var response = await source.SubmitAsync(null, ("leak.txt.gpg", sealedBytes));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = Assert.Single(Directory.GetFiles(host.Data.IntakeDirectory, "*.gpg"));
        var (name, content) = host.DecryptIntakeItem(stored);
        Assert.Equal("leak.txt.gpg", name);
        Assert.Equal(sealedBytes, content);
        Assert.NotEqual(sealedBytes, await File.ReadAllBytesAsync(stored));
    }

    [Fact]
    public async Task ReceivedPage_SaysCountsAndSizes_NotNames()
    {
        await using var host = await FrontEndHost.StartAsync();
        using var source = new SourceClient(host.Address);
        await source.GenerateAndContinueAsync();

        using var response = await source.SubmitAsync("Twelve bytes", ("name-canary-1.bin", new byte[2048]), ("name-canary-2.bin", new byte[1024]));

        var page = await response.Content.ReadAsStringAsync();
        var received = HtmlForms.ElementText(page, "received");
        Assert.Contains("your message (12 bytes)", received, StringComparison.Ordinal);
        Assert.Contains("2 files (3 KB in all)", received, StringComparison.Ordinal);
        Assert.DoesNotContain("name-canary", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TextOnlyInstance_ShowsNoFileInput_AcceptsMessages_RefusesFiles()
    {
        await using var host = await FrontEndHost.StartAsync(new Dictionary<string, string?> { ["Submission:TextOnly"] = "true" });
        using var source = new SourceClient(host.Address);
        await source.GenerateAndContinueAsync();

        var form = await source.Http.GetStringAsync(new Uri("/submit", UriKind.Relative));
        using var withFile = await source.SubmitAsync("Canary with file", ("x.txt", Encoding.UTF8.GetBytes("x")));
        var filesAfterRefusal = Directory.GetFiles(host.Data.IntakeDirectory, "*.gpg").Length;
        using var messageOnly = await source.SubmitAsync("Just words", []);

        Assert.DoesNotContain("type=\"file\"", form, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, withFile.StatusCode);
        Assert.Contains("text messages only", await withFile.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, filesAfterRefusal);
        Assert.Equal(HttpStatusCode.OK, messageOnly.StatusCode);
        Assert.Single(Directory.GetFiles(host.Data.IntakeDirectory, "*.gpg"));
    }

    [Fact]
    public async Task Logout_EndsTheSessionAtOnce_OldCookieNoLongerWorks()
    {
        await using var host = await FrontEndHost.StartAsync();
        using var source = new SourceClient(host.Address);
        await source.GenerateAndContinueAsync();
        var oldCookies = source.Cookies.GetCookieHeader(host.Address);

        await source.LogoutAsync();

        using var replay = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = host.Address };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/submit", UriKind.Relative));
        request.Headers.Add("Cookie", oldCookies);
        using var response = await replay.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login", response.Headers.Location?.OriginalString);
    }
}

using System.Net.Http.Headers;
using SecureDrop.Net.Submission;

namespace SecureDrop.Net.Reviewer.Tests;

/// <summary>
/// The organisation's logo: uploaded on /admin/settings (PNG only, checked, metadata removed), served by the running
/// front end at /logo.png under its CSP and shown on its pages with alt text within seconds, removable; every change
/// audited; anything else refused naming the field, nothing stored.
/// </summary>
public sealed class LogoTests : ConsoleTestBase
{
    // 2×2 RGB, with a tEXt chunk "Author: canary-author-7f3a" that must not reach sources.
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAGXRFWHRBdXRob3IAY2FuYXJ5LWF1dGhvci03ZjNhCtXPOgAAABBJREFUeJxjEGg4AEQMEAoAIg4FQX+FS7MAAAAASUVORK5CYII=");

    // 4096×1: wider than allowed.
    private static readonly byte[] TooWide = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAEAAAAAABCAIAAADRQ/wrAAAAKElEQVR4nO3CQREAAAgDICMsstGMZo094Jjsqaqqqqqqqqqqqqqq5R85tAE8TiVCaQAAAABJRU5ErkJggg==");

    // Claims 1×1 pixel, but its image data inflates to 100,000 bytes.
    private static readonly byte[] Bomb = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAAeElEQVR4nO3BMQEAAADCoPVPbQ0PoAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIBXA4avAAHErhCqAAAAAElFTkSuQmCC");

    [Fact]
    public async Task LogoUploaded_FrontEndServesAndShowsIt_WithoutItsMetadata_ThenRemoved()
    {
        await using var frontEnd = await RunningApp.StartAsync(url => SubmissionApp.Build(Instance.Data, url, Instance.Settings));
        using var source = new SourceClient(frontEnd.Address);
        Assert.DoesNotContain("id=\"logo\"", await source.Http.GetStringAsync(new Uri("/?lang=en", UriKind.Relative)), StringComparison.Ordinal);
        using var admin = await SignedInAsync();
        using (await PostFormAsync(admin, "/admin/settings", "/admin/settings", ("organisation_name", "The Daily Canary")))
        {
        }

        using (var uploaded = await UploadAsync(admin, Png, "logo.png", "image/png"))
        {
            Assert.Equal(HttpStatusCode.OK, uploaded.StatusCode);
            Assert.Contains("a PNG of 2×2 pixels", System.Net.WebUtility.HtmlDecode(await uploaded.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }

        var landing = await EventuallyAsync(source, "/?lang=en", page => page.Contains("id=\"logo\"", StringComparison.Ordinal));
        Assert.Contains("src=\"/logo.png\" alt=\"Logo of The Daily Canary\"", landing, StringComparison.Ordinal);
        Assert.Contains("id=\"logo\"", await source.Http.GetStringAsync(new Uri("/?lang=ko", UriKind.Relative)), StringComparison.Ordinal);
        using (var logo = await source.Http.GetAsync(new Uri("/logo.png", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, logo.StatusCode);
            Assert.Equal("image/png", logo.Content.Headers.ContentType?.MediaType);
            Assert.Equal("nosniff", Assert.Single(logo.Headers.GetValues("X-Content-Type-Options")));
            Assert.Contains("img-src 'self'", Assert.Single(logo.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
            var served = await logo.Content.ReadAsByteArrayAsync();
            Assert.Equal(Png.AsSpan(0, 33).ToArray(), served.AsSpan(0, 33).ToArray());
            Assert.True(served.Length < Png.Length);
            Assert.DoesNotContain("canary-author", System.Text.Encoding.Latin1.GetString(served), StringComparison.Ordinal);
        }

        using (var removed = await PostFormAsync(admin, "/admin/settings", "/admin/settings/logo?handler=remove"))
        {
            Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
            Assert.Contains("No logo is set", await removed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await EventuallyAsync(source, "/?lang=en", page => !page.Contains("id=\"logo\"", StringComparison.Ordinal));
        using (var gone = await source.Http.GetAsync(new Uri("/logo.png", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }

        await using var connection = await Instance.Database.OpenAsync();
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM audit_events WHERE action = 'logo set'"));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM audit_events WHERE action = 'logo removed'"));
    }

    public static TheoryData<string, byte[], string> Refused => new()
    {
        { "a JPEG", [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xFF, 0xD9], "not a PNG" },
        { "a damaged PNG", Damaged(), "checksum" },
        { "a truncated PNG", Png[..^12], "truncated" },
        { "a PNG too wide", TooWide, "4096×1" },
        { "a decompression bomb", Bomb, "image data" },
        { "a file over 256 KiB", [.. Png, .. new byte[260 * 1024]], "at most 262144 bytes" },
        { "an empty file", [], "Logo" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task NotAcceptablePng_IsRefusedNamingTheLogo_AndNothingIsStored(string what, byte[] file, string reason)
    {
        using var admin = await SignedInAsync();

        using var response = await UploadAsync(admin, file, "logo.png", "image/png");

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: {response.StatusCode}");
        var error = System.Net.WebUtility.HtmlDecode(HtmlForms.ElementText(await response.Content.ReadAsStringAsync(), "settings-error"));
        Assert.StartsWith("Logo", error, StringComparison.Ordinal);
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.Contains("Nothing was saved", error, StringComparison.Ordinal);
        await using var connection = await Instance.Database.OpenAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM instance_logo"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM audit_events WHERE action LIKE 'logo%'"));
    }

    [Fact]
    public async Task Journalist_CannotUploadALogo()
    {
        using var admin = await SignedInAsync();
        using var journalist = await SignedInJournalistAsync(admin, "reporter");

        var token = HtmlForms.AntiforgeryToken(await journalist.Http.GetStringAsync(new Uri("/", UriKind.Relative)));
        using var response = await UploadAsync(journalist, Png, "logo.png", "image/png", token);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        await using var connection = await Instance.Database.OpenAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM instance_logo"));
    }

    private static byte[] Damaged()
    {
        var copy = Png.ToArray();
        copy[20] ^= 1;
        return copy;
    }

    private static async Task<HttpResponseMessage> UploadAsync(JournalistClient journalist, byte[] file, string name, string type, string? token = null)
    {
        token ??= HtmlForms.AntiforgeryToken(await journalist.Http.GetStringAsync(new Uri("/admin/settings", UriKind.Relative)));
        using var form = new MultipartFormDataContent();
        using var tokenPart = new StringContent(token);
        form.Add(tokenPart, "__RequestVerificationToken");
        using var filePart = new ByteArrayContent(file);
        filePart.Headers.ContentType = new MediaTypeHeaderValue(type);
        form.Add(filePart, "logo", name);
        return await journalist.Http.PostAsync(new Uri("/admin/settings/logo", UriKind.Relative), form);
    }

    private static async Task<string> EventuallyAsync(SourceClient source, string path, Func<string, bool> done)
    {
        var page = "";
        for (var attempt = 0; attempt < 40; attempt++)
        {
            page = await source.Http.GetStringAsync(new Uri(path, UriKind.Relative));
            if (done(page))
            {
                return page;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        return page;
    }
}

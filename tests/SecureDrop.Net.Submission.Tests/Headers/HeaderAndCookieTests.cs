using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using SecureDrop.Net.Submission.Tests.Support;

namespace SecureDrop.Net.Submission.Tests.Headers;

/// <summary>Every response of a whole source visit carries the hardening headers; cookies are the two allowed ones only.</summary>
public sealed class HeaderAndCookieTests
{
    [Fact]
    public async Task EveryResponseOfASourceVisit_IsHardened_OverHttp()
    {
        await using var host = await FrontEndHost.StartAsync();
        using var client = new RecordingClient(host.Address);

        await VisitEveryPageAsync(client);

        Assert.True(client.Responses.Count >= 18, $"only {client.Responses.Count} responses");
        foreach (var (request, response) in client.Responses)
        {
            HeaderAssertions.AssertHardened(request, response);
            Assert.False(response.Headers.Contains("Onion-Location"), request);
        }
    }

    [Fact]
    public async Task EveryResponseOfASourceVisit_IsHardened_OverTls_WithHstsAndHostPrefixedSecureCookie()
    {
        using var certificate = SelfSignedCertificate();
        await using var host = await FrontEndHost.StartAsync(https: true, configure: builder =>
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate)));
        using var client = new RecordingClient(host.Address, acceptAnyCertificate: true);

        await VisitEveryPageAsync(client);

        foreach (var (request, response) in client.Responses)
        {
            HeaderAssertions.AssertHardened(request, response, tls: true);
        }

        Assert.Contains(client.Responses, r => r.Response.Headers.TryGetValues("Set-Cookie", out var c) && c.Any(v => v.StartsWith("__Host-sdnet-source=", StringComparison.Ordinal)));
        Assert.Contains(client.Responses, r => r.Response.Headers.TryGetValues("Set-Cookie", out var c) && c.Any(v => v.StartsWith("__Host-sdnet-antiforgery=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task OnOnionAddress_AntiforgeryCookieIsHostPrefixedAndSecure_AndOnlyThePrefixedOneCounts()
    {
        await using var host = await FrontEndHost.StartAsync();
        var onion = new string('b', 56) + ".onion";
        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = host.Address };
        using var get = new HttpRequestMessage(HttpMethod.Get, "/login");
        get.Headers.Host = onion;
        using var page = await http.SendAsync(get);
        var setCookie = Assert.Single(page.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("__Host-sdnet-antiforgery=", setCookie, StringComparison.Ordinal);
        Assert.Contains("; secure", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", setCookie, StringComparison.OrdinalIgnoreCase);
        var cookieValue = setCookie["__Host-sdnet-antiforgery=".Length..setCookie.IndexOf(';', StringComparison.Ordinal)];
        var token = HtmlForms.AntiforgeryToken(await page.Content.ReadAsStringAsync());

        async Task<(HttpStatusCode Status, string Body)> PostAsync(string cookieName)
        {
            using var post = new HttpRequestMessage(HttpMethod.Post, "/login")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["codename"] = "abacus abacus abacus abacus abacus abacus abacus",
                    ["__RequestVerificationToken"] = token,
                }),
            };
            post.Headers.Host = onion;
            post.Headers.Add("Cookie", $"{cookieName}={cookieValue}");
            using var response = await http.SendAsync(post);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        var prefixed = await PostAsync("__Host-sdnet-antiforgery");
        var unprefixed = await PostAsync("sdnet-antiforgery");

        Assert.Equal(HttpStatusCode.BadRequest, prefixed.Status);
        Assert.Contains("not recognised", prefixed.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, unprefixed.Status);
        Assert.DoesNotContain("not recognised", unprefixed.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnionAddressConfigured_SendsOnionLocationForTheSamePath()
    {
        var onion = "http://" + new string('a', 56) + ".onion";
        await using var host = await FrontEndHost.StartAsync(new Dictionary<string, string?> { ["Submission:OnionAddress"] = onion });
        using var client = new RecordingClient(host.Address);

        using var response = await client.SendAsync(HttpMethod.Get, "/login?lang=ko");

        Assert.Equal(onion + "/login?lang=ko", Assert.Single(response.Headers.GetValues("Onion-Location")));
    }

    [Theory]
    [InlineData("Submission:OnionAddress", "https://example.com", "Submission:OnionAddress")]
    [InlineData("Submission:MaxConnections", "1", "Submission:MaxConnections")]
    [InlineData("Submission:LoginsPerMinute", "0", "Submission:LoginsPerMinute")]
    [InlineData("Submission:MaxConcurrentUploads", "-3", "Submission:MaxConcurrentUploads")]
    [InlineData("Submission:MaxConcurrentKeyDerivations", "1000", "Submission:MaxConcurrentKeyDerivations")]
    public async Task BadSetting_StopsTheStartWithTheSettingsName(string setting, string value, string expected)
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var host = await FrontEndHost.StartAsync(new Dictionary<string, string?> { [setting] = value });
        });

        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
    }

    private static async Task VisitEveryPageAsync(RecordingClient client)
    {
        var landing = await client.GetStringAsync("/");
        var generate = await client.GetStringAsync("/generate");
        var codename = HtmlForms.ElementText(generate, "codename");
        await client.SendAsync(HttpMethod.Post, "/generate", Form(generate, ("ticket", HtmlForms.HiddenValue(generate, "ticket"))));
        var submit = await client.GetStringAsync("/submit");
        await client.SendAsync(HttpMethod.Post, "/submit", SourceClient.SubmissionForm(HtmlForms.AntiforgeryToken(submit), "Header canary", ("a.txt", [1, 2])));
        await client.SendAsync(HttpMethod.Post, "/submit", SourceClient.SubmissionForm(HtmlForms.AntiforgeryToken(submit), "", []));
        await client.SendAsync(HttpMethod.Post, "/logout", Form(submit));
        await client.SendAsync(HttpMethod.Get, "/logout");
        await client.SendAsync(HttpMethod.Get, "/submit");
        var login = await client.GetStringAsync("/login");
        await client.SendAsync(HttpMethod.Post, "/login", Form(login, ("codename", "abacus abacus abacus abacus abacus abacus abacus")));
        await client.SendAsync(HttpMethod.Post, "/login", Form(login, ("codename", codename)));
        var lookup = await client.GetStringAsync("/lookup");
        await client.SendAsync(HttpMethod.Post, "/lookup?handler=delete", Form(lookup, ("reply", "0123456789abcdef0123456789abcdef")));
        await client.SendAsync(HttpMethod.Post, "/generate", Form(login, ("ticket", "expired")));
        await client.SendAsync(HttpMethod.Post, "/login", new FormUrlEncodedContent([]));
        await client.SendAsync(HttpMethod.Get, "/public-key");
        await client.SendAsync(HttpMethod.Get, "/style.css");
        await client.SendAsync(HttpMethod.Get, "/no-such-page");
        await client.SendAsync(HttpMethod.Head, "/");
        await client.SendAsync(HttpMethod.Put, "/submit");
        await client.SendAsync(HttpMethod.Get, "/?lang=ko");
        Assert.Contains("fingerprint", landing, StringComparison.Ordinal);
    }

    private static FormUrlEncodedContent Form(string page, params (string Name, string Value)[] fields) =>
        new([new("__RequestVerificationToken", HtmlForms.AntiforgeryToken(page)), .. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))]);

    internal static X509Certificate2 SelfSignedCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UnixEpoch.AddYears(50), DateTimeOffset.UnixEpoch.AddYears(60));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }
}

namespace SecureDrop.Net.EndToEnd.Tests;

/// <summary>
/// The DataProtection key rings are encrypted at rest, and a restarted process reads them back: a form (its
/// antiforgery token and cookie, and the front end's protected codename ticket) issued before a restart is
/// accepted after it.
/// </summary>
public sealed class DataProtectionRestartTests
{
    [Fact]
    public async Task FrontEnd_FormIssuedBeforeARestart_IsAcceptedAfterIt_AndItsKeyRingIsEncrypted()
    {
        using var instance = await TestInstance.CreateAsync();
        var address = Serving.FreeAddress();
        using var source = new SourceClient(address);
        string page;
        await using (var first = await Serving.StartAsync(instance, "submission", address))
        {
            page = await source.Http.GetStringAsync(new Uri("/generate", UriKind.Relative));
            first.Terminate();
            await first.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }

        await using var second = await Serving.StartAsync(instance, "submission", address);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["ticket"] = HtmlForms.HiddenValue(page, "ticket"),
            ["__RequestVerificationToken"] = HtmlForms.AntiforgeryToken(page),
        });
        using var response = await source.Http.PostAsync(new Uri("/generate", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/submit", response.RequestMessage?.RequestUri?.AbsolutePath);
        AssertEncryptedAtRest(instance, "submission");
    }

    [Fact]
    public async Task Console_SignInFormIssuedBeforeARestart_IsAcceptedAfterIt_AndItsKeyRingIsEncrypted()
    {
        using var instance = await TestInstance.CreateAsync();
        var address = Serving.FreeAddress();
        using var journalist = new JournalistClient(address);
        string page;
        await using (var first = await Serving.StartAsync(instance, "reviewer", address))
        {
            page = await journalist.Http.GetStringAsync(new Uri("/login", UriKind.Relative));
            first.Terminate();
            await first.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }

        await using var second = await Serving.StartAsync(instance, "reviewer", address);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = "admin",
            ["passphrase"] = instance.Secrets.AdminPassphrase,
            ["__RequestVerificationToken"] = HtmlForms.AntiforgeryToken(page),
        });
        using var response = await journalist.Http.PostAsync(new Uri("/login", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/login/second-factor", response.RequestMessage?.RequestUri?.AbsolutePath);
        AssertEncryptedAtRest(instance, "reviewer");
    }

    private static void AssertEncryptedAtRest(TestInstance instance, string role)
    {
        var keys = Directory.GetFiles(instance.Data.DataProtectionDirectory(role), "key-*.xml");
        Assert.NotEmpty(keys);
        Assert.All(keys, key =>
        {
            var xml = File.ReadAllText(key);
            Assert.Contains("AesGcmXmlDecryptor", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("masterKey", xml, StringComparison.Ordinal);
        });
    }
}

namespace SecureDrop.Net.Reviewer.Tests;

/// <summary>A journalist sets where notices go and the key they are encrypted to; bad input is refused clearly.</summary>
public sealed class NotificationSettingsTests() : FakeClockConsoleTestBase(startsAfter: TimeSpan.FromDays(25))
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Retention:SubmissionDays"] = "30",
        ["Retention:WarningDays"] = "7",
    };


    [Fact]
    public async Task SettingAddressAndKey_IsStored()
    {
        using var journalist = await SignedInAsync();
        using var key = NewsroomSecretKey.Generate("Me <me@newsroom.example>", TimeProvider.System.GetUtcNow());

        using var response = await SaveAsync(journalist, "me@newsroom.example", key.PublicKey.ToArmored());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var connection = await Instance.Database.OpenAsync();
        Assert.Equal("me@newsroom.example", await connection.ExecuteScalarAsync<string>("SELECT notify_email FROM journalists WHERE username = 'admin'"));
        var stored = await connection.ExecuteScalarAsync<string>("SELECT notify_public_key FROM journalists WHERE username = 'admin'");
        Assert.Equal(key.Fingerprint, NewsroomPublicKey.Parse(System.Text.Encoding.ASCII.GetBytes(stored!)).Fingerprint);
    }

    [Theory]
    [InlineData("not an address", "", "e-mail address")]
    [InlineData("me@newsroom.example", "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\ngarbage\n-----END PGP PUBLIC KEY BLOCK-----", "cannot be used")]
    public async Task BadAddressOrKey_IsRefusedWithAMessage_AndNothingStored(string email, string key, string expected)
    {
        using var journalist = await SignedInAsync();

        using var response = await SaveAsync(journalist, email, key);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, HtmlForms.ElementText(await response.Content.ReadAsStringAsync(), "settings-error"), StringComparison.Ordinal);
        await using var connection = await Instance.Database.OpenAsync();
        Assert.Null(await connection.ExecuteScalarAsync<string>("SELECT notify_email FROM journalists WHERE username = 'admin'"));
    }

    [Fact]
    public async Task BadRetentionSetting_StopsTheConsoleAtStart_NamingTheSetting()
    {
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            RunningApp.StartAsync(url => ReviewerApp.Build(Instance.Data, url, new Dictionary<string, string?> { ["Retention:SubmissionDays"] = "-3" })));

        Assert.Contains("Retention:SubmissionDays", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SourcePage_WarnsOfRetentionExpiry()
    {
        var (sourceId, _) = await Seed.SubmissionAsync(Instance, "ageing tip");
        using var journalist = await SignedInAsync();

        var page = await journalist.Http.GetStringAsync(new Uri($"/sources/{sourceId}", UriKind.Relative));

        Assert.Contains("Retention deletes this submission on", page, StringComparison.Ordinal);
    }


    private static async Task<HttpResponseMessage> SaveAsync(JournalistClient journalist, string email, string key)
    {
        var page = await journalist.Http.GetStringAsync(new Uri("/account/notifications", UriKind.Relative));
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = email,
            ["publicKey"] = key,
            ["__RequestVerificationToken"] = HtmlForms.AntiforgeryToken(page),
        });
        return await journalist.Http.PostAsync(new Uri("/account/notifications", UriKind.Relative), form);
    }
}

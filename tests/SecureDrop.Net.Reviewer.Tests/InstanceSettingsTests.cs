using SecureDrop.Net.Submission;

namespace SecureDrop.Net.Reviewer.Tests;

/// <summary>/admin/settings: admins change what the front end applies, within seconds and without a restart.</summary>
public sealed class InstanceSettingsTests : FakeClockConsoleTestBase
{
    [Fact]
    public async Task AdminSavesSettings_FrontEndShowsTheNameAndRefusesFiles()
    {
        await using var frontEnd = await RunningApp.StartAsync(url => SubmissionApp.Build(Instance.Data, url, Instance.Settings));
        using var source = new SourceClient(frontEnd.Address);
        Assert.DoesNotContain("The Daily Canary", await source.Http.GetStringAsync(new Uri("/", UriKind.Relative)), StringComparison.Ordinal);
        using var admin = await SignedInAsync();

        using (var saved = await PostFormAsync(admin, "/admin/settings", "/admin/settings",
            ("organisation_name", "The Daily Canary"), ("max_submission_bytes", "2097152"), ("max_files", "3"), ("text_only", "on")))
        {
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
            var page = await saved.Content.ReadAsStringAsync();
            Assert.Contains("id=\"settings-saved\"", page, StringComparison.Ordinal);
            Assert.Contains("value=\"The Daily Canary\"", page, StringComparison.Ordinal);
        }

        Assert.Equal(1, await AuditEntriesAsync("settings changed"));

        // The front end read the settings before the change and is not restarted: its cache lapses within seconds.
        var landing = "";
        for (var attempt = 0; attempt < 40 && !landing.Contains("The Daily Canary", StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250));
            landing = await source.Http.GetStringAsync(new Uri("/", UriKind.Relative));
        }

        Assert.Contains("The Daily Canary", landing, StringComparison.Ordinal);
        await source.GenerateAndContinueAsync();
        Assert.DoesNotContain("type=\"file\"", await source.Http.GetStringAsync(new Uri("/submit", UriKind.Relative)), StringComparison.Ordinal);
        using var refused = await source.SubmitAsync("hello", ("notes.txt", [1, 2, 3]));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        await using var connection = await Instance.Database.OpenAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM items"));
    }

    [Theory]
    [InlineData("max_submission_bytes", "1024", "Maximum submission size")]
    [InlineData("max_submission_bytes", "68719476737", "Maximum submission size")]
    [InlineData("max_submission_bytes", "lots", "Maximum submission size")]
    [InlineData("max_files", "0", "Maximum files")]
    [InlineData("max_files", "1001", "Maximum files")]
    [InlineData("text_only", "maybe", "Text-only mode")]
    [InlineData("organisation_name", "NAME_TOO_LONG", "Organisation name")]
    [InlineData("retention_days", "0", "Retention period")]
    [InlineData("retention_days", "36501", "Retention period")]
    [InlineData("retention_days", "a week", "Retention period")]
    [InlineData("notification_period_minutes", "4", "Notification period")]
    [InlineData("notification_period_minutes", "44641", "Notification period")]
    [InlineData("notification_period_minutes", "hourly", "Notification period")]
    [InlineData("onion_address", "newsroom.example", "Onion address")]
    [InlineData("onion_address", "http://abcdefghijklmnop.onion", "Onion address")]
    [InlineData("onion_address", "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczab.onion", "Onion address")]
    [InlineData("onion_address", "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczed.onion", "Onion address")]
    public async Task BadValue_IsRefusedNamingTheField_AndNothingIsSaved(string field, string value, string named)
    {
        using var admin = await SignedInAsync();
        var fields = new List<(string, string)> { ("organisation_name", "Kept out"), ("max_files", "5") };
        fields.RemoveAll(f => f.Item1 == field);
        fields.Add((field, value == "NAME_TOO_LONG" ? new string('n', 101) : value));

        using var response = await PostFormAsync(admin, "/admin/settings", "/admin/settings", [.. fields]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = HtmlForms.ElementText(await response.Content.ReadAsStringAsync(), "settings-error");
        Assert.Contains(named, error, StringComparison.Ordinal);
        Assert.Contains("Nothing was saved", error, StringComparison.Ordinal);
        await using var connection = await Instance.Database.OpenAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM instance_settings"));
        Assert.Equal(0, await AuditEntriesAsync("settings changed"));
    }

    [Fact]
    public async Task Journalist_GetsForbidden()
    {
        using var admin = await SignedInAsync();
        using var journalist = await SignedInJournalistAsync(admin, "reporter");

        using var response = await journalist.Http.GetAsync(new Uri("/admin/settings", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var token = HtmlForms.AntiforgeryToken(await journalist.Http.GetStringAsync(new Uri("/", UriKind.Relative)));
        using var form = new FormUrlEncodedContent([new("organisation_name", "Hijacked"), new("__RequestVerificationToken", token)]);
        using var post = await journalist.Http.PostAsync(new Uri("/admin/settings", UriKind.Relative), form);
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        await using var connection = await Instance.Database.OpenAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM instance_settings"));
    }

    [Fact]
    public async Task WithoutARecentPassphrase_SavingSendsTheAdminToReauthenticate()
    {
        using var admin = await SignedInAsync();
        FakeClock.Advance(TimeSpan.FromMinutes(6));

        using var response = await PostFormAsync(admin, "/admin/settings", "/admin/settings", ("organisation_name", "Too late"));

        Assert.Equal("/reauthenticate", response.RequestMessage?.RequestUri?.AbsolutePath);
        await using var connection = await Instance.Database.OpenAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM instance_settings"));
    }

    private async Task<long> AuditEntriesAsync(string action)
    {
        await using var connection = await Instance.Database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM audit_events WHERE action = @action", new { action });
    }
}

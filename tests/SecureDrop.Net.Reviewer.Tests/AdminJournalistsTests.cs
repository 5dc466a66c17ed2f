namespace SecureDrop.Net.Reviewer.Tests;

/// <summary>Account management by an admin: add, disable, unlock, reset; and journalists cannot reach it.</summary>
public sealed class AdminJournalistsTests : ConsoleTestBase
{


    [Fact]
    public async Task AddedJournalist_SignsInWithTheShownPassphrase_ButCannotUseAdminPages()
    {
        using var admin = await SignedInAsync();
        var passphrase = await AddAsync(admin, "reporter.one");

        using var reporter = new JournalistClient(App.Address);
        using (var signedIn = await reporter.LoginAsync("reporter.one", passphrase))
        {
            Assert.Equal("/", signedIn.RequestMessage?.RequestUri?.AbsolutePath);
        }

        using var forbidden = await reporter.Http.GetAsync(new Uri("/admin/journalists", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.DoesNotContain("Add a journalist", await forbidden.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisabledJournalist_CannotSignIn_AndEnabledAgainCan()
    {
        using var admin = await SignedInAsync();
        var passphrase = await AddAsync(admin, "reporter.two");
        var id = await IdOfAsync(admin, "reporter.two");

        await ActAsync(admin, "disable", id);
        using (var reporter = new JournalistClient(App.Address))
        {
            // Refused as a wrong passphrase is (no oracle), with the one message that covers both.
            using var refused = await reporter.PassphraseAsync("reporter.two", passphrase);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("locked or disabled", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await ActAsync(admin, "enable", id);
        using var again = new JournalistClient(App.Address);
        using var accepted = await again.LoginAsync("reporter.two", passphrase);
        Assert.Equal("/", accepted.RequestMessage?.RequestUri?.AbsolutePath);
    }

    [Fact]
    public async Task ResetPassphrase_OldOneStopsWorking_NewOneOpensTheVault()
    {
        using var admin = await SignedInAsync();
        var old = await AddAsync(admin, "reporter.three");
        var id = await IdOfAsync(admin, "reporter.three");

        var page = await admin.Http.GetStringAsync(new Uri("/admin/journalists", UriKind.Relative));
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["id"] = id, ["__RequestVerificationToken"] = HtmlForms.AntiforgeryToken(page) });
        using var reset = await admin.Http.PostAsync(new Uri("/admin/journalists?handler=resetpassphrase", UriKind.Relative), form);
        var fresh = HtmlForms.ElementText(await reset.Content.ReadAsStringAsync(), "new-passphrase");

        using (var withOld = new JournalistClient(App.Address))
        {
            using var refused = await withOld.PassphraseAsync("reporter.three", old);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        using var withNew = new JournalistClient(App.Address);
        using var accepted = await withNew.LoginAsync("reporter.three", fresh);
        Assert.Equal("/", accepted.RequestMessage?.RequestUri?.AbsolutePath);
    }

    [Theory]
    [InlineData("Bad Name")]
    [InlineData("")]
    [InlineData("admin")]
    public async Task AddingABadOrTakenName_IsRefusedWithAMessage(string username)
    {
        using var admin = await SignedInAsync();
        var page = await admin.Http.GetStringAsync(new Uri("/admin/journalists", UriKind.Relative));
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = username, ["__RequestVerificationToken"] = HtmlForms.AntiforgeryToken(page) });
        using var response = await admin.Http.PostAsync(new Uri("/admin/journalists?handler=add", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("class=\"error\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task JobsDashboard_IsForSignedInJournalists_AndReadOnlyForNonAdmins()
    {
        using (var anonymous = new JournalistClient(App.Address))
        {
            using var refused = await anonymous.Http.GetAsync(new Uri("/admin/jobs", UriKind.Relative));
            Assert.Equal("/login", refused.RequestMessage?.RequestUri?.AbsolutePath);
        }

        Hangfire.RecurringJobManagerExtensions.AddOrUpdate<Vault.Jobs.ReconcileJob>(
            new Hangfire.RecurringJobManager(Core.Jobs.HangfireStorage.Open(Instance.Database)),
            Vault.Jobs.ReconcileJob.RecurringId, job => job.RunAsync(), Hangfire.Cron.Minutely());
        using var admin = await SignedInAsync();
        using (var dashboard = await admin.Http.GetAsync(new Uri("/admin/jobs/recurring", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
            var adminPage = await dashboard.Content.ReadAsStringAsync();
            Assert.Contains("SecureDrop.Net jobs", adminPage, StringComparison.Ordinal);
            Assert.Contains("js-jobs-list-command", adminPage, StringComparison.Ordinal);
            Assert.Contains("script-src 'self'", dashboard.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", dashboard.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        }

        var passphrase = await AddAsync(admin, "reporter.jobs");
        using var reporter = new JournalistClient(App.Address);
        using (await reporter.LoginAsync("reporter.jobs", passphrase))
        {
        }

        using var readOnly = await reporter.Http.GetAsync(new Uri("/admin/jobs/recurring", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, readOnly.StatusCode);
        var page = await readOnly.Content.ReadAsStringAsync();
        Assert.DoesNotContain("js-jobs-list-command", page, StringComparison.Ordinal);
        using var console = await admin.Http.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            console.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task AuditLog_RecordsJournalistActions_AndShowsTheChainIntact()
    {
        using var admin = await SignedInAsync();
        await AddAsync(admin, "reporter.audit");

        var page = await admin.Http.GetStringAsync(new Uri("/admin/audit", UriKind.Relative));

        Assert.Contains("is intact", HtmlForms.ElementText(page, "chain"), StringComparison.Ordinal);
        var text = System.Net.WebUtility.HtmlDecode(page);
        Assert.Contains($"<td>{Instance.Secrets.AdminUsername} signed in.</td>", text, StringComparison.Ordinal);
        Assert.Contains($"<td>{Instance.Secrets.AdminUsername} added the journalist reporter.audit.</td>", text, StringComparison.Ordinal);
        // Sentences name people and sources, never raw ids; times are shown to the minute, the stamp only in datetime="".
        var table = text[text.IndexOf("<tbody>", StringComparison.Ordinal)..];
        Assert.DoesNotMatch(">[^<]*[0-9a-f]{32}", table);
        Assert.Matches("<time datetime=\"[^\"]+\">\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}</time>", table);
    }

    [Fact]
    public async Task AuditLog_ShowsTimesInTheZoneTheReaderChose_ToTheMinute()
    {
        using var admin = await SignedInAsync();

        using var chosen = await admin.Http.GetAsync(new Uri("/admin/audit?zone=Asia/Seoul", UriKind.Relative));
        var page = System.Net.WebUtility.HtmlDecode(await chosen.Content.ReadAsStringAsync());
        using var unknown = await admin.Http.GetAsync(new Uri("/admin/audit?zone=Mars/Olympus", UriKind.Relative));

        Assert.Equal("/admin/audit", chosen.RequestMessage?.RequestUri?.AbsolutePath);
        Assert.Contains("times in Asia/Seoul (UTC+09:00)", page, StringComparison.Ordinal);
        var stamp = System.Text.RegularExpressions.Regex.Match(page, "<time datetime=\"([^\"]+)\">([^<]+)</time>");
        var stored = DateTimeOffset.Parse(stamp.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(stored.ToOffset(TimeSpan.FromHours(9)).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture), stamp.Groups[2].Value);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, unknown.StatusCode);
    }


    private static Task<string> AddAsync(JournalistClient admin, string username) => AddJournalistAsync(admin, username);

    private static async Task<string> IdOfAsync(JournalistClient admin, string username)
    {
        var page = await admin.Http.GetStringAsync(new Uri("/admin/journalists", UriKind.Relative));
        var row = page[page.IndexOf($"<td>{username}</td>", StringComparison.Ordinal)..];
        return HtmlForms.HiddenValue(row, "id");
    }

    private static async Task ActAsync(JournalistClient admin, string handler, string id)
    {
        var page = await admin.Http.GetStringAsync(new Uri("/admin/journalists", UriKind.Relative));
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["id"] = id, ["__RequestVerificationToken"] = HtmlForms.AntiforgeryToken(page) });
        using var response = await admin.Http.PostAsync(new Uri($"/admin/journalists?handler={handler}", UriKind.Relative), form);
        Assert.Equal("/admin/journalists", response.RequestMessage?.RequestUri?.AbsolutePath);
    }
}

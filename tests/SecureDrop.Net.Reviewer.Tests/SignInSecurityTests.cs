using System.Net.Http.Json;

namespace SecureDrop.Net.Reviewer.Tests;

/// <summary>
/// Second factor, replay, throttling, lockout (only past the passphrase; a locked account is no oracle), relative
/// redirects and session expiry, with an injected clock.
/// </summary>
public sealed class SignInSecurityTests : FakeClockConsoleTestBase
{

    [Fact]
    public async Task PassphraseAlone_ReachesNothingButTheSecondFactorPage()
    {
        using var journalist = new JournalistClient(App.Address) { Clock = FakeClock };
        using (var passphrase = await journalist.PassphraseAsync(Instance.Secrets.AdminUsername, Instance.Secrets.AdminPassphrase))
        {
            Assert.Equal("/login/second-factor", passphrase.RequestMessage?.RequestUri?.AbsolutePath);
            var enrolment = await passphrase.Content.ReadAsStringAsync();
            // The QR code is inline SVG drawn on the server: no script, no remote image, nothing the CSP blocks.
            Assert.Contains("<svg", enrolment, StringComparison.Ordinal);
            Assert.DoesNotContain("style=", enrolment, StringComparison.Ordinal);
            Assert.Matches("^[A-Z2-7]{4}( [A-Z2-7]{4}){7}$", HtmlForms.ElementText(enrolment, "totp-secret"));
        }

        foreach (var path in new[] { "/", "/sources/0123456789abcdef0123456789abcdef", "/items/0123456789abcdef0123456789abcdef/download" })
        {
            using var response = await journalist.Http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.NotEqual("/", response.RequestMessage?.RequestUri?.AbsolutePath);
            Assert.DoesNotContain("<h1>Sources</h1>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TotpCode_IsAcceptedOnce_AndCodesFromTheNeighbouringStepWork()
    {
        using var first = new JournalistClient(App.Address) { Clock = FakeClock };
        using (var enrolled = await first.LoginAsync(Instance.Secrets.AdminUsername, Instance.Secrets.AdminPassphrase))
        {
            Assert.Equal("/", enrolled.RequestMessage?.RequestUri?.AbsolutePath);
        }

        var nextStepCode = first.CurrentCode(TimeSpan.FromSeconds(30));
        using var second = new JournalistClient(App.Address) { Clock = FakeClock, TotpSecret = first.TotpSecret };
        Assert.Equal("/", (await SignInWithCodeAsync(second, nextStepCode)).RequestMessage?.RequestUri?.AbsolutePath);

        using var replay = new JournalistClient(App.Address) { Clock = FakeClock, TotpSecret = first.TotpSecret };
        using var replayed = await SignInWithCodeAsync(replay, nextStepCode);
        Assert.Equal(HttpStatusCode.BadRequest, replayed.StatusCode);
        Assert.Contains("already used", await replayed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FiveFailuresInAMinute_MakeTheNameWait_EvenWithTheRightPassphrase()
    {
        using var journalist = new JournalistClient(App.Address) { Clock = FakeClock };
        await WrongPassphrasesAsync(journalist, 5, TimeSpan.Zero);

        using (var waiting = await journalist.PassphraseAsync("admin", Instance.Secrets.AdminPassphrase))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, waiting.StatusCode);
        }

        FakeClock.Advance(TimeSpan.FromMinutes(2));
        using var after = await journalist.LoginAsync("admin", Instance.Secrets.AdminPassphrase);
        Assert.Equal("/", after.RequestMessage?.RequestUri?.AbsolutePath);
    }

    [Fact]
    public async Task WrongPassphrases_NeverLockTheAccount_TheyOnlySlowTheNameDown()
    {
        using var scanner = new JournalistClient(App.Address) { Clock = FakeClock };
        await WrongPassphrasesAsync(scanner, 25, TimeSpan.FromSeconds(20));

        using var journalist = new JournalistClient(App.Address) { Clock = FakeClock };
        using var signedIn = await journalist.LoginAsync("admin", Instance.Secrets.AdminPassphrase);

        Assert.Equal("/", signedIn.RequestMessage?.RequestUri?.AbsolutePath);
        Assert.False((await Admin()).Locked);
    }

    [Fact]
    public async Task TenWrongCodesAfterTheRightPassphrase_LockTheAccount_AndEndTheSession()
    {
        using var enrolled = new JournalistClient(App.Address) { Clock = FakeClock };
        (await enrolled.LoginAsync("admin", Instance.Secrets.AdminPassphrase)).Dispose();
        using var thief = new JournalistClient(App.Address) { Clock = FakeClock };
        using var passphrase = await thief.PassphraseAsync("admin", Instance.Secrets.AdminPassphrase);
        var page = await passphrase.Content.ReadAsStringAsync();

        var answers = new List<string?>();
        for (var i = 0; i < 10; i++)
        {
            using var wrong = await thief.SecondFactorAsync(page, "000000");
            answers.Add(wrong.RequestMessage?.RequestUri?.AbsolutePath);
            page = await wrong.Content.ReadAsStringAsync();
        }

        Assert.All(answers.Take(9), path => Assert.Equal("/login/second-factor", path));
        Assert.Equal("/login", answers[^1]);
        Assert.True((await Admin()).Locked);
        using var afterLock = await thief.Http.GetAsync(new Uri("/login/second-factor", UriKind.Relative));
        Assert.Equal("/login", afterLock.RequestMessage?.RequestUri?.AbsolutePath);
    }

    [Theory]
    [InlineData("locked")]
    [InlineData("disabled")]
    public async Task UnusableAccount_AnswersTheRightAndAWrongPassphraseAlike(string state)
    {
        var store = new Custody.Journalists.JournalistStore(Instance.Database, TimeProvider.System);
        var admin = await Admin();
        if (state == "locked")
        {
            for (var i = 0; i < 10; i++)
            {
                await store.RecordFailedAttemptAsync(admin.Id, Sessions.SignInThrottle.LockAfterFailures);
            }
        }
        else
        {
            await store.SetDisabledAsync(admin.Id, true);
        }

        using var journalist = new JournalistClient(App.Address) { Clock = FakeClock };
        using var right = await journalist.PassphraseAsync("admin", Instance.Secrets.AdminPassphrase);
        using var wrong = await journalist.PassphraseAsync("admin", "a wrong passphrase");
        using var unknown = await journalist.PassphraseAsync("nobody", "a wrong passphrase");

        Assert.Equal(HttpStatusCode.BadRequest, right.StatusCode);
        Assert.Equal(right.StatusCode, wrong.StatusCode);
        Assert.Equal(Comparable(await right.Content.ReadAsStringAsync()), Comparable(await wrong.Content.ReadAsStringAsync()));
        Assert.Equal(Comparable(await right.Content.ReadAsStringAsync()), Comparable((await unknown.Content.ReadAsStringAsync()).Replace("nobody", "admin", StringComparison.Ordinal)));
        Assert.Equal("/login", right.RequestMessage?.RequestUri?.AbsolutePath);

        // Each counts against the name alike, so not even the throttle tells the right passphrase apart.
        for (var i = 0; i < 3; i++)
        {
            (await journalist.PassphraseAsync("admin", Instance.Secrets.AdminPassphrase)).Dispose();
        }

        using var waiting = await journalist.PassphraseAsync("admin", "a wrong passphrase");
        Assert.Equal(HttpStatusCode.TooManyRequests, waiting.StatusCode);
    }

    [Fact]
    public async Task Api_WrongPassphrases_DoNotLock_AndALockedAccountAnswersTheRightOneAsAWrongOne()
    {
        using var journalist = await SignedInAsync();
        using var api = new HttpClient { BaseAddress = App.Address };
        for (var i = 0; i < 12; i++)
        {
            using var wrong = await api.PostAsJsonAsync("/api/v1/tokens", new { username = "admin", passphrase = "wrong " + i, code = "000000" });
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            FakeClock.Advance(TimeSpan.FromSeconds(20));
        }

        Assert.False((await Admin()).Locked);
        for (var i = 0; i < 10; i++)
        {
            using var wrongCode = await api.PostAsJsonAsync("/api/v1/tokens", new { username = "admin", passphrase = Instance.Secrets.AdminPassphrase, code = "000000" });
            FakeClock.Advance(TimeSpan.FromSeconds(20));
        }

        Assert.True((await Admin()).Locked);
        FakeClock.Advance(TimeSpan.FromMinutes(2));
        using var right = await api.PostAsJsonAsync("/api/v1/tokens", new { username = "admin", passphrase = Instance.Secrets.AdminPassphrase, code = journalist.CurrentCode() });
        using var wrongOne = await api.PostAsJsonAsync("/api/v1/tokens", new { username = "admin", passphrase = "wrong", code = journalist.CurrentCode() });
        Assert.Equal(HttpStatusCode.Unauthorized, right.StatusCode);
        Assert.Equal(await wrongOne.Content.ReadAsStringAsync(), await right.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/sources/0123456789abcdef0123456789abcdef")]
    [InlineData("/admin/journalists")]
    public async Task Redirects_NameAPath_NeverTheHostTheClientSent(string path)
    {
        var response = await RawHttp.SendAsync(App.Address, ForeignHost(path, "evil.example:8443"));

        Assert.Equal(302, response.StatusCode);
        var location = response.Headers["Location"];
        Assert.StartsWith("/login", location, StringComparison.Ordinal);
        Assert.DoesNotContain("evil.example", location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redirects_FromTheSecondFactorStep_NameAPath()
    {
        using var journalist = new JournalistClient(App.Address) { Clock = FakeClock };
        (await journalist.PassphraseAsync("admin", Instance.Secrets.AdminPassphrase)).Dispose();
        var cookies = journalist.Cookies.GetCookieHeader(App.Address);

        var response = await RawHttp.SendAsync(App.Address, ForeignHost("/", "evil.example", $"Cookie: {cookies}"));

        Assert.Equal(302, response.StatusCode);
        Assert.StartsWith("/login/second-factor", response.Headers["Location"], StringComparison.Ordinal);
    }

    /// <summary>A GET whose Host header names another site.</summary>
    private static byte[] ForeignHost(string path, string host, params string[] headers) =>
        System.Text.Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n{string.Concat(headers.Select(h => h + "\r\n"))}\r\n");

    private async Task<Custody.Journalists.JournalistAccount> Admin() =>
        (await new Custody.Journalists.JournalistStore(Instance.Database, TimeProvider.System).FindByUsernameAsync("admin"))!;

    /// <summary>A page with its per-request antiforgery token taken out.</summary>
    private static string Comparable(string page) =>
        System.Text.RegularExpressions.Regex.Replace(page, "name=\"__RequestVerificationToken\"[^>]*value=\"[^\"]*\"", "TOKEN");

    [Fact]
    public async Task Session_EndsAfterThirtyMinutesIdle()
    {
        using var journalist = new JournalistClient(App.Address) { Clock = FakeClock };
        using (var signedIn = await journalist.LoginAsync("admin", Instance.Secrets.AdminPassphrase))
        {
            Assert.Equal("/", signedIn.RequestMessage?.RequestUri?.AbsolutePath);
        }

        FakeClock.Advance(TimeSpan.FromMinutes(31));
        using var response = await journalist.Http.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal("/login", response.RequestMessage?.RequestUri?.AbsolutePath);
    }

    /// <summary><paramref name="count"/> wrong passphrases for admin, each refused (400), the clock moved by <paramref name="between"/> after each.</summary>
    private async Task WrongPassphrasesAsync(JournalistClient client, int count, TimeSpan between)
    {
        for (var i = 0; i < count; i++)
        {
            using var wrong = await client.PassphraseAsync("admin", "wrong passphrase " + i);
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
            FakeClock.Advance(between);
        }
    }

    private async Task<HttpResponseMessage> SignInWithCodeAsync(JournalistClient client, string code)
    {
        using var passphrase = await client.PassphraseAsync("admin", Instance.Secrets.AdminPassphrase);
        return await client.SecondFactorAsync(await passphrase.Content.ReadAsStringAsync(), code);
    }
}

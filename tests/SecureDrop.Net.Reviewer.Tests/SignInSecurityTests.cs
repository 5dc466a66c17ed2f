using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using SecureDrop.Net.Testing;

namespace SecureDrop.Net.Reviewer.Tests;

/// <summary>Second factor, replay, throttling, lockout and session expiry, with an injected clock.</summary>
public sealed class SignInSecurityTests : ConsoleTestBase
{
    private readonly FakeTimeProvider _clock = new(TimeProvider.System.GetUtcNow());

    protected override TimeProvider Clock => _clock;

    protected override void Services(IServiceCollection services) => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(_clock));


    [Fact]
    public async Task PassphraseAlone_ReachesNothingButTheSecondFactorPage()
    {
        using var journalist = new JournalistClient(App.Address) { Clock = _clock };
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
        using var first = new JournalistClient(App.Address) { Clock = _clock };
        using (var enrolled = await first.LoginAsync(Instance.Secrets.AdminUsername, Instance.Secrets.AdminPassphrase))
        {
            Assert.Equal("/", enrolled.RequestMessage?.RequestUri?.AbsolutePath);
        }

        var nextStepCode = first.CurrentCode(TimeSpan.FromSeconds(30));
        using var second = new JournalistClient(App.Address) { Clock = _clock, TotpSecret = first.TotpSecret };
        Assert.Equal("/", (await SignInWithCodeAsync(second, nextStepCode)).RequestMessage?.RequestUri?.AbsolutePath);

        using var replay = new JournalistClient(App.Address) { Clock = _clock, TotpSecret = first.TotpSecret };
        using var replayed = await SignInWithCodeAsync(replay, nextStepCode);
        Assert.Equal(HttpStatusCode.BadRequest, replayed.StatusCode);
        Assert.Contains("already used", await replayed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FiveFailuresInAMinute_MakeTheNameWait_EvenWithTheRightPassphrase()
    {
        using var journalist = new JournalistClient(App.Address) { Clock = _clock };
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await journalist.PassphraseAsync("admin", "wrong passphrase " + i);
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        }

        using (var waiting = await journalist.PassphraseAsync("admin", Instance.Secrets.AdminPassphrase))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, waiting.StatusCode);
        }

        _clock.Advance(TimeSpan.FromMinutes(2));
        using var after = await journalist.LoginAsync("admin", Instance.Secrets.AdminPassphrase);
        Assert.Equal("/", after.RequestMessage?.RequestUri?.AbsolutePath);
    }

    [Fact]
    public async Task TenFailuresInARow_LockTheAccount()
    {
        using var journalist = new JournalistClient(App.Address) { Clock = _clock };
        for (var i = 0; i < 10; i++)
        {
            using var wrong = await journalist.PassphraseAsync("admin", "wrong passphrase " + i);
            _clock.Advance(TimeSpan.FromSeconds(20));
        }

        _clock.Advance(TimeSpan.FromMinutes(2));
        using var locked = await journalist.PassphraseAsync("admin", Instance.Secrets.AdminPassphrase);
        Assert.Equal(HttpStatusCode.Forbidden, locked.StatusCode);
        Assert.Contains("locked", await locked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Session_EndsAfterThirtyMinutesIdle()
    {
        using var journalist = new JournalistClient(App.Address) { Clock = _clock };
        using (var signedIn = await journalist.LoginAsync("admin", Instance.Secrets.AdminPassphrase))
        {
            Assert.Equal("/", signedIn.RequestMessage?.RequestUri?.AbsolutePath);
        }

        _clock.Advance(TimeSpan.FromMinutes(31));
        using var response = await journalist.Http.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal("/login", response.RequestMessage?.RequestUri?.AbsolutePath);
    }

    private async Task<HttpResponseMessage> SignInWithCodeAsync(JournalistClient client, string code)
    {
        using var passphrase = await client.PassphraseAsync("admin", Instance.Secrets.AdminPassphrase);
        return await client.SecondFactorAsync(await passphrase.Content.ReadAsStringAsync(), code);
    }
}

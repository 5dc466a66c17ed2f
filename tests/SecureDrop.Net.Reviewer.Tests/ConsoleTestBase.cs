using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace SecureDrop.Net.Reviewer.Tests;

/// <summary>A fresh instance and its console on real Kestrel for each test; subclasses may add settings or services.</summary>
public abstract class ConsoleTestBase : IAsyncLifetime
{
    protected TestInstance Instance { get; private set; } = null!;

    protected RunningApp App { get; private set; } = null!;

    /// <summary>The clock the console and the test's authenticator share (the system clock unless a test fakes it).</summary>
    protected virtual TimeProvider Clock => TimeProvider.System;

    public virtual async Task InitializeAsync()
    {
        Instance = await TestInstance.CreateAsync();
        App = await RunningApp.StartAsync(url => ReviewerApp.Build(Instance.Data, url, Settings, Services));
    }

    public virtual async Task DisposeAsync()
    {
        await App.DisposeAsync();
        Instance.Dispose();
    }

    protected virtual IReadOnlyDictionary<string, string?>? Settings => null;

    protected virtual void Services(IServiceCollection services)
    {
    }

    /// <summary>The first admin, signed in past both factors (enrolling an authenticator on first use).</summary>
    protected async Task<JournalistClient> SignedInAsync()
    {
        var journalist = new JournalistClient(App.Address) { Clock = Clock };
        using var response = await journalist.LoginAsync(Instance.Secrets.AdminUsername, Instance.Secrets.AdminPassphrase);
        Assert.Equal("/", response.RequestMessage?.RequestUri?.AbsolutePath);
        return journalist;
    }

    /// <summary>Submits a form as the browser would: the antiforgery token from <paramref name="pagePath"/>, then the fields.</summary>
    protected static async Task<HttpResponseMessage> PostFormAsync(JournalistClient journalist, string pagePath, string action, params (string Name, string Value)[] fields)
    {
        ArgumentNullException.ThrowIfNull(journalist);
        var page = await journalist.Http.GetStringAsync(new Uri(pagePath, UriKind.Relative));
        var values = fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))
            .Append(new KeyValuePair<string, string>("__RequestVerificationToken", HtmlForms.AntiforgeryToken(page)));
        using var form = new FormUrlEncodedContent(values);
        return await journalist.Http.PostAsync(new Uri(action, UriKind.Relative), form);
    }

    /// <summary>
    /// A journalist (not an admin) whom <paramref name="admin"/> adds through the page, signed in past both factors
    /// with the passphrase shown once.
    /// </summary>
    protected async Task<JournalistClient> SignedInJournalistAsync(JournalistClient admin, string username)
    {
        var passphrase = await AddJournalistAsync(admin, username);
        var journalist = new JournalistClient(App.Address) { Clock = Clock };
        using var response = await journalist.LoginAsync(username, passphrase);
        Assert.Equal("/", response.RequestMessage?.RequestUri?.AbsolutePath);
        return journalist;
    }

    /// <summary>An admin adds an account through the page; returns the passphrase shown once.</summary>
    protected static async Task<string> AddJournalistAsync(JournalistClient admin, string username)
    {
        using var response = await PostFormAsync(admin, "/admin/journalists", "/admin/journalists?handler=add", ("username", username));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return HtmlForms.ElementText(await response.Content.ReadAsStringAsync(), "new-passphrase");
    }
}

/// <summary>
/// A console whose clock the test moves (<see cref="FakeClock"/>): the console's services and the test's authenticator
/// share it, so sessions, lockouts and authenticator codes move with it.
/// </summary>
public abstract class FakeClockConsoleTestBase : ConsoleTestBase
{
    /// <param name="startsAfter">How far from now the clock starts.</param>
    protected FakeClockConsoleTestBase(TimeSpan startsAfter = default)
    {
        FakeClock = new FakeTimeProvider(TimeProvider.System.GetUtcNow() + startsAfter);
    }

    protected FakeTimeProvider FakeClock { get; }

    protected override TimeProvider Clock => FakeClock;

    protected override void Services(IServiceCollection services) => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(FakeClock));
}

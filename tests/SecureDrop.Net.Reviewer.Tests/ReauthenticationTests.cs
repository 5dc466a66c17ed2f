namespace SecureDrop.Net.Reviewer.Tests;

/// <summary>Admin actions need the passphrase typed within the last five minutes, with an injected clock.</summary>
public sealed class ReauthenticationTests : FakeClockConsoleTestBase
{
    [Fact]
    public async Task AdminAction_AfterFiveMinutes_AsksForThePassphrase_ThenWorks()
    {
        using var admin = await SignedInAsync();
        FakeClock.Advance(TimeSpan.FromMinutes(6));

        using (var stale = await PostFormAsync(admin, "/admin/journalists", "/admin/journalists?handler=add", ("username", "late")))
        {
            Assert.Equal("/reauthenticate", stale.RequestMessage?.RequestUri?.AbsolutePath);
        }

        Assert.Equal(0, await AccountsNamedAsync("late"));
        using (var wrong = await PostFormAsync(admin, "/reauthenticate?return=/admin/journalists", "/reauthenticate?return=/admin/journalists", ("passphrase", "wrong wrong wrong wrong wrong wrong wrong")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        }

        using (var right = await PostFormAsync(admin, "/reauthenticate?return=/admin/journalists", "/reauthenticate?return=/admin/journalists", ("passphrase", Instance.Secrets.AdminPassphrase)))
        {
            Assert.Equal("/admin/journalists", right.RequestMessage?.RequestUri?.AbsolutePath);
        }

        using (var fresh = await PostFormAsync(admin, "/admin/journalists", "/admin/journalists?handler=add", ("username", "late")))
        {
            Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        }

        Assert.Equal(1, await AccountsNamedAsync("late"));
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    public async Task Reauthentication_NeverRedirectsOffSite(string target)
    {
        using var admin = await SignedInAsync();

        var action = "/reauthenticate?return=" + Uri.EscapeDataString(target);
        using var response = await PostFormAsync(admin, action, action, ("passphrase", Instance.Secrets.AdminPassphrase));

        Assert.Equal(App.Address.Authority, response.RequestMessage?.RequestUri?.Authority);
        Assert.Equal("/", response.RequestMessage?.RequestUri?.AbsolutePath);
    }

    private async Task<long> AccountsNamedAsync(string username)
    {
        await using var connection = await Instance.Database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM journalists WHERE username = @username", new { username });
    }
}

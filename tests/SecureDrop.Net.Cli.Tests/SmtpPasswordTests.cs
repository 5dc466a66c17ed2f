using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SecureDrop.Net.Custody.Journalists;
using SecureDrop.Net.Vault.Notifications;

namespace SecureDrop.Net.Cli.Tests;

/// <summary>
/// sdnet secrets set-smtp-password against a real relay that requires AUTH (aiosmtpd with an authenticator): the
/// notifier signs in with the stored password, and after the relay's password changes, with the new one set by the
/// command, without being rebuilt (what a running worker holds).
/// </summary>
public sealed class SmtpPasswordTests
{
    private static readonly DateTimeOffset Start = new(2026, 5, 4, 9, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task SetSmtpPassword_TheNotifierSignsInWithIt_AndWithANewOneWithoutARestart()
    {
        using var instance = await TestInstance.CreateAsync();
        using var relayFiles = new TempDirectory("sdnet-relay");
        var relayPassword = relayFiles.Combine("password");
        await File.WriteAllTextAsync(relayPassword, "first relay password");
        await using var relay = await SmtpSink.StartWithLoginAsync("notices", relayPassword);
        using var journalistKey = NewsroomSecretKey.Generate("Journalist <j@newsroom.example>", Start);
        var clock = new FakeTimeProvider(Start);
        var adminId = await SetAdminAddressAsync(instance, journalistKey);
        var sourceId = await new SourceStore(instance.Database, clock).CreateAsync(Core.Data.Ids.New());
        await Seed.SubmissionForSourceAsync(instance.Database, clock, sourceId, "tip");
        var options = Options.Create(new NotificationOptions());
        var store = new NotificationStore(instance.Database, options, clock);
        var notifier = new NotifyJob(store, options, Options.Create(Smtp(relay.Port)), clock, NullLogger<NotifyJob>.Instance, new SmtpPasswordStore(instance.Data));

        var (code, output, error) = await RunAsync("first relay password", "secrets", "set-smtp-password", "--data", instance.Data.Root);
        Assert.True(code == 0, error);
        Assert.DoesNotContain("first relay password", output + error, StringComparison.Ordinal);
        var sealedFile = Path.Combine(instance.Data.Root, "smtp-password.sealed");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(sealedFile));
        Assert.Equal(-1, (await File.ReadAllBytesAsync(sealedFile)).AsSpan().IndexOf(Encoding.UTF8.GetBytes("first relay password")));
        clock.Advance(TimeSpan.FromDays(2));
        await notifier.RunAsync();
        Assert.Single(relay.Messages());

        // The provider changes the relay's password: the next notice is refused and recorded, not dropped.
        await File.WriteAllTextAsync(relayPassword, "second relay password");
        await Seed.SubmissionForSourceAsync(instance.Database, clock, sourceId, "another tip");
        clock.Advance(TimeSpan.FromDays(2));
        await notifier.RunAsync();
        Assert.Single(relay.Messages());
        Assert.Equal(1, (await store.StatusAsync(adminId))!.Failures);

        (code, output, error) = await RunAsync("second relay password", "secrets", "set-smtp-password", "--data", instance.Data.Root);
        Assert.True(code == 0, error);
        Assert.Contains("replaced", output, StringComparison.Ordinal);
        clock.Advance(TimeSpan.FromHours(1));
        await notifier.RunAsync();
        Assert.Equal(2, relay.Messages().Count);
        Assert.False((await store.StatusAsync(adminId))!.Pending);
    }

    [Theory]
    [InlineData("", "Expected the new SMTP password on a line of standard input")]
    [InlineData("tab\tinside", "without control characters; nothing was stored")]
    public async Task SetSmtpPassword_WithoutAUsablePassword_IsRefusedAndStoresNothing(string input, string message)
    {
        using var instance = await TestInstance.CreateAsync();

        var (code, _, error) = await RunAsync(input, "secrets", "set-smtp-password", "--data", instance.Data.Root);

        AssertFails(code, error, message);
        Assert.False(new SmtpPasswordStore(instance.Data).IsSet);
    }

    [Fact]
    public async Task SetSmtpPassword_GivenAsAnArgument_IsBadUsage()
    {
        using var instance = await TestInstance.CreateAsync();

        var (code, _, error) = await RunAsync(null, "secrets", "set-smtp-password", "--data", instance.Data.Root, "hunter2");

        Assert.Equal(2, code);
        Assert.Contains("hunter2", error, StringComparison.Ordinal);
        Assert.False(new SmtpPasswordStore(instance.Data).IsSet);
    }

    [Fact]
    public async Task RemoveSmtpPassword_FallsBackToTheEnvironment_AndRefusesWhenNoneIsStored()
    {
        using var instance = await TestInstance.CreateAsync();
        var validator = new NotificationOptionsValidator(new SmtpPasswordStore(instance.Data));
        var withoutPassword = Smtp(25);
        Assert.Contains("sdnet secrets set-smtp-password", validator.Validate(null, withoutPassword).FailureMessage, StringComparison.Ordinal);
        Assert.Equal(0, (await RunAsync("relay password", "secrets", "set-smtp-password", "--data", instance.Data.Root)).Code);
        Assert.True(validator.Validate(null, withoutPassword).Succeeded);

        var (code, _, error) = await RunAsync(null, "secrets", "remove-smtp-password", "--data", instance.Data.Root);
        Assert.True(code == 0, error);
        Assert.False(new SmtpPasswordStore(instance.Data).IsSet);
        (code, _, error) = await RunAsync(null, "secrets", "remove-smtp-password", "--data", instance.Data.Root);
        AssertFails(code, error, "No SMTP password is stored");
    }

    private static SmtpOptions Smtp(int port) =>
        new() { Host = "127.0.0.1", Port = port, Security = SmtpSecurity.None, From = "tips-noreply@newsroom.example", Username = "notices" };

    private static async Task<string> SetAdminAddressAsync(TestInstance instance, NewsroomSecretKey key)
    {
        var journalists = new JournalistStore(instance.Database, TimeProvider.System);
        var admin = await journalists.FindByUsernameAsync("admin");
        await journalists.SetNotificationAddressAsync(admin!.Id, "j@newsroom.example", key.PublicKey.ToArmored());
        return admin.Id;
    }
}

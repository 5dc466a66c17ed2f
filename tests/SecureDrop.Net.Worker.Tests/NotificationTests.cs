using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using MimeKit.Cryptography;
using SecureDrop.Net.Custody.Journalists;
using SecureDrop.Net.Vault.Notifications;

namespace SecureDrop.Net.Worker.Tests;

/// <summary>Notices through a real SMTP server (aiosmtpd on loopback), with an injected clock for batching.</summary>
public sealed class NotificationTests
{
    private static readonly DateTimeOffset Start = new(2026, 5, 4, 9, 30, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.PostgreSql)]
    public async Task Notice_TravelsThroughRealSmtp_AndDecryptsToThePaddedGenericText(Store store)
    {
        using var instance = await TestInstance.CreateAsync(store);
        await using var smtp = await SmtpSink.StartAsync();
        using var journalistKey = NewsroomSecretKey.Generate("Journalist <j@newsroom.example>", Start);
        var clock = new FakeTimeProvider(Start);
        await SetAdminAddressAsync(instance, "j@newsroom.example", journalistKey.PublicKey.ToArmored());
        var sourceId = await new SourceStore(instance.Database, clock).CreateAsync(Core.Data.Ids.New());
        await Seed.SubmissionForSourceAsync(instance.Database, clock, sourceId, "a tip that must never be in mail");

        clock.Advance(TimeSpan.FromDays(2));
        await Job(instance, clock, smtp.Port).RunAsync();

        var raw = Assert.Single(smtp.Messages());
        var message = MimeMessage.Load(new MemoryStream(raw));
        Assert.Equal(NoticeComposer.Subject, message.Subject);
        var encrypted = Assert.IsType<MultipartEncrypted>(message.Body);
        var armored = ((MimePart)encrypted[1]).Content!.Open();
        using var inner = new MemoryStream();
        MessageDecryptor.Decrypt(armored, journalistKey, inner);
        inner.Position = 0;
        var text = Assert.IsType<TextPart>(MimeEntity.Load(inner)).Text;
        Assert.Equal(NoticeComposer.PaddedText(), text);
        Assert.Equal(NoticeComposer.BodyLength, text.Length);
        var designation = await DesignationAsync(instance, sourceId);
        var rawText = Encoding.ASCII.GetString(raw);
        Assert.DoesNotContain(designation, rawText, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(sourceId, rawText, StringComparison.Ordinal);
        Assert.DoesNotContain("a tip", rawText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SeveralArrivals_InOnePeriod_GiveOneNotice_AndTheNextWaitsForTheNextPeriod()
    {
        using var instance = await TestInstance.CreateAsync();
        await using var smtp = await SmtpSink.StartAsync();
        using var journalistKey = NewsroomSecretKey.Generate("J", Start);
        var clock = new FakeTimeProvider(Start);
        await SetAdminAddressAsync(instance, "j@newsroom.example", journalistKey.PublicKey.ToArmored());
        var sourceId = await new SourceStore(instance.Database, clock).CreateAsync(Core.Data.Ids.New());
        for (var i = 0; i < 3; i++)
        {
            await Seed.SubmissionForSourceAsync(instance.Database, clock, sourceId, $"tip {i}");
            clock.Advance(TimeSpan.FromMinutes(10));
        }

        var job = Job(instance, clock, smtp.Port);
        while (smtp.Messages().Count == 0)
        {
            Assert.True(clock.GetUtcNow() < Start + TimeSpan.FromDays(3), "No notice within two periods.");
            await job.RunAsync();
            clock.Advance(TimeSpan.FromMinutes(30));
        }

        // Something arrives in the period a notice already went out in: it waits for the next period.
        await Seed.SubmissionForSourceAsync(instance.Database, clock, sourceId, "later tip");
        var period = (long)TimeSpan.FromHours(24).TotalSeconds;
        var nextPeriodStart = DateTimeOffset.FromUnixTimeSeconds(((clock.GetUtcNow().ToUnixTimeSeconds() - 1800) / period + 1) * period);
        while (clock.GetUtcNow() < nextPeriodStart)
        {
            await job.RunAsync();
            Assert.Single(smtp.Messages());
            clock.Advance(TimeSpan.FromMinutes(30));
        }

        for (var step = 0; step < 48; step++)
        {
            await job.RunAsync();
            clock.Advance(TimeSpan.FromMinutes(30));
        }

        Assert.Equal(2, smtp.Messages().Count);
    }

    [Fact]
    public async Task UnreachableSmtp_IsRecordedAndRetried_NotDropped()
    {
        using var instance = await TestInstance.CreateAsync();
        using var journalistKey = NewsroomSecretKey.Generate("J", Start);
        var clock = new FakeTimeProvider(Start);
        var adminId = await SetAdminAddressAsync(instance, "j@newsroom.example", journalistKey.PublicKey.ToArmored());
        var sourceId = await new SourceStore(instance.Database, clock).CreateAsync(Core.Data.Ids.New());
        await Seed.SubmissionForSourceAsync(instance.Database, clock, sourceId, "tip");
        var store = new NotificationStore(instance.Database, Options.Create(new NotificationOptions()), clock);
        clock.Advance(TimeSpan.FromDays(2));

        await Job(instance, clock, Ports.FreeLoopbackPort()).RunAsync();

        var status = await store.StatusAsync(adminId);
        Assert.True(status!.Pending);
        Assert.Equal(1, status.Failures);
        Assert.False(string.IsNullOrEmpty(status.LastError));

        await using var smtp = await SmtpSink.StartAsync();
        clock.Advance(TimeSpan.FromHours(1));
        await Job(instance, clock, smtp.Port).RunAsync();
        Assert.Single(smtp.Messages());
        Assert.False((await store.StatusAsync(adminId))!.Pending);
    }

    [Fact]
    public async Task JournalistWithoutKey_GetsNothing_UnlessUnencryptedNoticesAreAllowed()
    {
        using var instance = await TestInstance.CreateAsync();
        await using var smtp = await SmtpSink.StartAsync();
        var clock = new FakeTimeProvider(Start);
        await SetAdminAddressAsync(instance, "j@newsroom.example", armoredKey: null);
        var sourceId = await new SourceStore(instance.Database, clock).CreateAsync(Core.Data.Ids.New());
        await Seed.SubmissionForSourceAsync(instance.Database, clock, sourceId, "tip");
        clock.Advance(TimeSpan.FromDays(2));

        await Job(instance, clock, smtp.Port).RunAsync();
        Assert.Empty(smtp.Messages());

        await Seed.SubmissionForSourceAsync(instance.Database, clock, sourceId, "another tip");
        clock.Advance(TimeSpan.FromDays(2));
        await Job(instance, clock, smtp.Port, allowUnencrypted: true).RunAsync();
        var message = MimeMessage.Load(new MemoryStream(Assert.Single(smtp.Messages())));
        Assert.Equal(NoticeComposer.PaddedText(), Assert.IsType<TextPart>(message.Body).Text);
    }

    private static NotifyJob Job(TestInstance instance, TimeProvider clock, int port, bool allowUnencrypted = false)
    {
        var options = Options.Create(new NotificationOptions { AllowUnencrypted = allowUnencrypted });
        var smtp = Options.Create(new SmtpOptions { Host = "127.0.0.1", Port = port, Security = SmtpSecurity.None, From = "tips-noreply@newsroom.example" });
        return new NotifyJob(new NotificationStore(instance.Database, options, clock), options, smtp, clock, NullLogger<NotifyJob>.Instance);
    }

    private static async Task<string> SetAdminAddressAsync(TestInstance instance, string email, string? armoredKey)
    {
        var journalists = new JournalistStore(instance.Database, TimeProvider.System);
        var admin = await journalists.FindByUsernameAsync("admin");
        await journalists.SetNotificationAddressAsync(admin!.Id, email, armoredKey);
        return admin.Id;
    }

    private static async Task<string> DesignationAsync(TestInstance instance, string sourceId)
    {
        await using var connection = await instance.Database.OpenAsync();
        return await connection.ExecuteScalarAsync<string>("SELECT designation FROM sources WHERE id = @sourceId", new { sourceId }) ?? "";
    }
}

using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SecureDrop.Net.Vault.Jobs;

namespace SecureDrop.Net.Vault.Notifications;

/// <summary>
/// Runs every minute: sends the notices that are due over SMTP (MailKit). A failed send is recorded for the
/// console and retried with back-off, never dropped. Journalists without an OpenPGP key get nothing unless
/// Notifications:AllowUnencrypted is set.
/// </summary>
[RecurringJob(RecurringId, "* * * * *")]
public sealed partial class NotifyJob
{
    public const string RecurringId = "notify";
    private readonly NotificationStore _store;
    private readonly IOptions<NotificationOptions> _options;
    private readonly IOptions<SmtpOptions> _smtp;
    private readonly TimeProvider _time;
    private readonly ILogger<NotifyJob> _logger;
    private readonly SmtpPasswordStore? _storedPassword;

    /// <param name="storedPassword">The password set with sdnet secrets set-smtp-password, read at each send; it wins over Smtp:Password.</param>
    public NotifyJob(NotificationStore store, IOptions<NotificationOptions> options, IOptions<SmtpOptions> smtp, TimeProvider time, ILogger<NotifyJob> logger, SmtpPasswordStore? storedPassword = null)
    {
        _storedPassword = storedPassword;
        _store = store;
        _options = options;
        _smtp = smtp;
        _time = time;
        _logger = logger;
    }

    [Hangfire.DisableConcurrentExecution(timeoutInSeconds: 120)]
    [Hangfire.AutomaticRetry(Attempts = 0)]
    public async Task RunAsync()
    {
        var smtp = _smtp.Value;
        if (!smtp.Enabled)
        {
            return;
        }

        foreach (var notice in await _store.DueAsync().ConfigureAwait(false))
        {
            if (notice.PublicKey is null && !_options.Value.AllowUnencrypted)
            {
                // Nothing goes out in the clear: this period's notice is not sent, and the console still shows the work.
                await _store.MarkSentAsync(notice.JournalistId).ConfigureAwait(false);
                LogSkippedWithoutKey(notice.JournalistId);
                continue;
            }

            try
            {
                await SendAsync(smtp, notice).ConfigureAwait(false);
                await _store.MarkSentAsync(notice.JournalistId).ConfigureAwait(false);
                LogSent(notice.JournalistId);
            }
            catch (Exception exception) when (exception is IOException or SmtpCommandException or SmtpProtocolException or AuthenticationException or SslHandshakeException or System.Net.Sockets.SocketException or Crypto.CryptoException)
            {
                await _store.MarkFailedAsync(notice.JournalistId, notice.Failures, exception.Message).ConfigureAwait(false);
                LogFailed(notice.JournalistId, exception.GetType().Name);
            }
        }
    }

    private async Task SendAsync(SmtpOptions smtp, DueNotice notice)
    {
        var message = NoticeComposer.Compose(smtp.From, notice.Email, notice.PublicKey, _time.GetUtcNow());
        using var client = new SmtpClient();
        var security = smtp.Security switch
        {
            SmtpSecurity.Tls => SecureSocketOptions.SslOnConnect,
            SmtpSecurity.None => SecureSocketOptions.None,
            _ => SecureSocketOptions.StartTls,
        };
        await client.ConnectAsync(smtp.Host!, smtp.Port, security).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(smtp.Username))
        {
            await client.AuthenticateAsync(smtp.Username, _storedPassword?.Read() ?? smtp.Password ?? "").ConfigureAwait(false);
        }

        await client.SendAsync(message).ConfigureAwait(false);
        await client.DisconnectAsync(quit: true).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 2401, Level = LogLevel.Information, Message = "Notice sent to journalist {JournalistId}")]
    private partial void LogSent(string journalistId);

    [LoggerMessage(EventId = 2402, Level = LogLevel.Warning, Message = "Notice to journalist {JournalistId} failed ({Reason}); it will be retried")]
    private partial void LogFailed(string journalistId, string reason);

    [LoggerMessage(EventId = 2403, Level = LogLevel.Information, Message = "No notice for journalist {JournalistId}: no OpenPGP key, and unencrypted notices are not allowed")]
    private partial void LogSkippedWithoutKey(string journalistId);
}

using Microsoft.Extensions.Options;

namespace SecureDrop.Net.Vault.Notifications;

/// <summary>
/// Notification e-mail. Off unless Smtp:Host is set. Bound from "Notifications" and "Smtp"; the password comes from
/// <c>sdnet secrets set-smtp-password</c> (<see cref="SmtpPasswordStore"/>) or the environment (Smtp__Password),
/// never from arguments.
/// </summary>
public sealed class NotificationOptions
{
    public const string Section = "Notifications";

    /// <summary>At most one notice per journalist per period, sent at a random moment within it.</summary>
    public TimeSpan Period { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Whether journalists without an OpenPGP key get an unencrypted (still content-free) notice.</summary>
    public bool AllowUnencrypted { get; set; }
}

public enum SmtpSecurity
{
    StartTls,
    Tls,
    None,
}

public sealed class SmtpOptions
{
    public const string Section = "Smtp";

    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

    public string? Username { get; set; }

    public string? Password { get; set; }

    public string From { get; set; } = "";

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);
}

public sealed class NotificationOptionsValidator : IValidateOptions<NotificationOptions>, IValidateOptions<SmtpOptions>
{
    private readonly SmtpPasswordStore? _storedPassword;

    public NotificationOptionsValidator()
    {
    }

    /// <param name="storedPassword">A password set with sdnet secrets set-smtp-password stands in for Smtp:Password.</param>
    public NotificationOptionsValidator(SmtpPasswordStore storedPassword)
    {
        _storedPassword = storedPassword;
    }

    public ValidateOptionsResult Validate(string? name, NotificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Period < TimeSpan.FromMinutes(5) || options.Period > TimeSpan.FromDays(31)
            ? ValidateOptionsResult.Fail("Notifications:Period must be between 00:05:00 and 31.00:00:00 (default 1.00:00:00, one day).")
            : ValidateOptionsResult.Success;
    }

    public ValidateOptionsResult Validate(string? name, SmtpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (options.Port is < 1 or > 65535)
        {
            failures.Add("Smtp:Port must be between 1 and 65535.");
        }

        if (!MimeKit.MailboxAddress.TryParse(options.From, out _))
        {
            failures.Add("Smtp:From must be the sender's e-mail address, e.g. tips-noreply@newsroom.example.");
        }

        var hasPassword = !string.IsNullOrEmpty(options.Password) || _storedPassword?.IsSet == true;
        if (string.IsNullOrEmpty(options.Username) != !hasPassword)
        {
            failures.Add("Smtp:Username and a password (Smtp:Password, or sdnet secrets set-smtp-password) must be set together (or neither, for a relay without authentication).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

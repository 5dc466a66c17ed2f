using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using MimeKit;
using SecureDrop.Net.Crypto;
using SecureDrop.Net.Custody.Journalists;
using SecureDrop.Net.Reviewer.Sessions;
using SecureDrop.Net.Vault.Audit;
using SecureDrop.Net.Vault.Notifications;

namespace SecureDrop.Net.Reviewer.Pages.Account;

/// <summary>A journalist's own notification address and OpenPGP key, and whether the last sends failed.</summary>
[RequestSizeLimit(64 * 1024)]
internal sealed class NotificationsModel : PageModel
{
    private readonly JournalistStore _journalists;
    private readonly NotificationStore _notifications;
    private readonly AuditLog _audit;

    public NotificationsModel(JournalistStore journalists, NotificationStore notifications, AuditLog audit)
    {
        _journalists = journalists;
        _notifications = notifications;
        _audit = audit;
    }

    public string? Email { get; private set; }

    public string? PublicKey { get; private set; }

    public NotificationStatus? Status { get; private set; }

    public bool Saved { get; private set; }

    public string? Error { get; private set; }

    public async Task OnGetAsync()
    {
        var session = HttpContext.UnlockedSession()!;
        var account = await _journalists.FindByUsernameAsync(session.Username, HttpContext.RequestAborted);
        Email = account?.NotifyEmail;
        PublicKey = account?.NotifyPublicKey;
        Status = await _notifications.StatusAsync(session.JournalistId, HttpContext.RequestAborted);
    }

    public async Task<IActionResult> OnPostAsync([FromForm(Name = "email")] string? email, [FromForm(Name = "publicKey")] string? publicKey)
    {
        var session = HttpContext.UnlockedSession()!;
        Email = string.IsNullOrWhiteSpace(email) ? null : email.Trim();
        PublicKey = string.IsNullOrWhiteSpace(publicKey) ? null : publicKey.Trim() + "\n";
        if (Email is not null && (!MailboxAddress.TryParse(Email, out var address) || !string.IsNullOrEmpty(address?.Name) || !Email.Contains('@', StringComparison.Ordinal)))
        {
            return Refuse("That is not an e-mail address. Write it as name@example.org.");
        }

        try
        {
            await _journalists.SetNotificationAddressAsync(session.JournalistId, Email, PublicKey, HttpContext.RequestAborted);
        }
        catch (CryptoException exception)
        {
            return Refuse("That OpenPGP key cannot be used: " + exception.Message);
        }

        await _audit.RecordAsync(session.JournalistId, "change notification settings", cancellationToken: HttpContext.RequestAborted);
        Saved = true;
        Status = await _notifications.StatusAsync(session.JournalistId, HttpContext.RequestAborted);
        return Page();
    }

    private PageResult Refuse(string error)
    {
        Error = error;
        return new PageResult { StatusCode = StatusCodes.Status400BadRequest };
    }
}

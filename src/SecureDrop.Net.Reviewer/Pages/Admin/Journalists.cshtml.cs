using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Crypto;
using SecureDrop.Net.Custody.Journalists;
using SecureDrop.Net.Reviewer.Sessions;
using SecureDrop.Net.Vault.Audit;

namespace SecureDrop.Net.Reviewer.Pages.Admin;

/// <summary>
/// Journalist accounts, for admins past both factors. Adding an account or resetting a passphrase wraps the vault
/// key, taken from the admin's own unlocked session, under a new generated passphrase shown once. Every change
/// needs the admin's passphrase typed within the last few minutes.
/// </summary>
[Authorize(Policy = ConsoleAuthentication.AdminPolicy)]
[RecentPassphrase]
[RequestSizeLimit(16 * 1024)]
internal sealed partial class JournalistsModel : PageModel
{
    private const int PassphraseWords = 7;
    private readonly JournalistStore _journalists;
    private readonly AuditLog _audit;

    public JournalistsModel(JournalistStore journalists, AuditLog audit)
    {
        _journalists = journalists;
        _audit = audit;
    }

    public IReadOnlyList<JournalistListing> Journalists { get; private set; } = [];

    public string? NewPassphrase { get; private set; }

    public string? NewPassphraseFor { get; private set; }

    public string? Error { get; private set; }

    public static IEnumerable<(string Handler, string Label)> Actions(JournalistListing journalist)
    {
        ArgumentNullException.ThrowIfNull(journalist);
        yield return journalist.Disabled ? ("enable", "Enable") : ("disable", "Disable");
        if (journalist.Locked)
        {
            yield return ("unlock", "Unlock");
        }

        yield return ("resettotp", "Reset authenticator");
        yield return ("resetpassphrase", "New passphrase");
    }

    public async Task OnGetAsync() => Journalists = await _journalists.ListAsync(HttpContext.RequestAborted);

    public async Task<IActionResult> OnPostAddAsync([FromForm(Name = "username")] string? username, [FromForm(Name = "admin")] bool admin)
    {
        var name = (username ?? "").Trim().ToLowerInvariant();
        if (!UsernamePattern().IsMatch(name))
        {
            return await RefuseAsync("A user name is 1 to 64 characters: lower-case letters, digits, dot, dash or underscore.");
        }

        if (await _journalists.FindByUsernameAsync(name, HttpContext.RequestAborted) is not null)
        {
            return await RefuseAsync($"There is already an account named {name}.");
        }

        var id = Ids.New();
        var passphrase = Codename.Generate(PassphraseWords);
        var secrets = JournalistCredentials.Create(passphrase, HttpContext.UnlockedSession()!.VaultKey, id);
        await _journalists.AddAsync(id, name, admin, secrets, HttpContext.RequestAborted);
        await AuditAsync(admin ? "add admin" : "add journalist", id);
        return await ShowPassphraseAsync(name, passphrase);
    }

    public Task<IActionResult> OnPostDisableAsync([FromForm(Name = "id")] string? id) => ActAsync(id, "disable journalist", j => _journalists.SetDisabledAsync(j, true, HttpContext.RequestAborted), refuseSelf: true);

    public Task<IActionResult> OnPostEnableAsync([FromForm(Name = "id")] string? id) => ActAsync(id, "enable journalist", j => _journalists.SetDisabledAsync(j, false, HttpContext.RequestAborted));

    public Task<IActionResult> OnPostUnlockAsync([FromForm(Name = "id")] string? id) => ActAsync(id, "unlock journalist", j => _journalists.UnlockAsync(j, HttpContext.RequestAborted));

    public Task<IActionResult> OnPostResetTotpAsync([FromForm(Name = "id")] string? id) => ActAsync(id, "reset authenticator", j => _journalists.ResetTotpAsync(j, HttpContext.RequestAborted), refuseSelf: true);

    public async Task<IActionResult> OnPostResetPassphraseAsync([FromForm(Name = "id")] string? id)
    {
        var target = await FindAsync(id);
        if (target is null)
        {
            return await RefuseAsync("No such account.");
        }

        var passphrase = Codename.Generate(PassphraseWords);
        var secrets = JournalistCredentials.Create(passphrase, HttpContext.UnlockedSession()!.VaultKey, target.Id);
        await _journalists.ResetPassphraseAsync(target.Id, secrets, HttpContext.RequestAborted);
        await AuditAsync("reset passphrase", target.Id);
        return await ShowPassphraseAsync(target.Username, passphrase);
    }

    private Task AuditAsync(string action, string subject) =>
        _audit.RecordAsync(HttpContext.UnlockedSession()!.JournalistId, action, subject, HttpContext.RequestAborted);

    private async Task<IActionResult> ActAsync(string? id, string auditAction, Func<string, Task> action, bool refuseSelf = false)
    {
        var target = await FindAsync(id);
        if (target is null)
        {
            return await RefuseAsync("No such account.");
        }

        if (refuseSelf && target.Id == HttpContext.UnlockedSession()!.JournalistId)
        {
            return await RefuseAsync("You cannot do that to your own account while signed in with it.");
        }

        await action(target.Id);
        await AuditAsync(auditAction, target.Id);
        return Redirect("/admin/journalists");
    }

    private async Task<JournalistListing?> FindAsync(string? id) =>
        Ids.IsWellFormed(id) ? (await _journalists.ListAsync(HttpContext.RequestAborted)).FirstOrDefault(j => j.Id == id) : null;

    private async Task<IActionResult> ShowPassphraseAsync(string username, string passphrase)
    {
        NewPassphraseFor = username;
        NewPassphrase = passphrase;
        await OnGetAsync();
        return Page();
    }

    private async Task<IActionResult> RefuseAsync(string error)
    {
        Error = error;
        await OnGetAsync();
        return new PageResult { StatusCode = StatusCodes.Status400BadRequest };
    }

    [GeneratedRegex("^[a-z0-9._-]{1,64}$")]
    private static partial Regex UsernamePattern();
}

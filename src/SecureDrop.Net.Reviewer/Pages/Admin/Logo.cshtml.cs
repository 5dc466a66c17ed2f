using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SecureDrop.Net.Core.Settings;
using SecureDrop.Net.Reviewer.Sessions;
using SecureDrop.Net.Vault.Audit;
using SecureDrop.Net.Vault.Settings;

namespace SecureDrop.Net.Reviewer.Pages.Admin;

/// <summary>
/// Uploads or removes the organisation's logo, which the front end serves at /logo.png and shows on its pages within
/// seconds. Only a PNG that <see cref="PngLogo"/> accepts is stored, rebuilt without its metadata chunks. The form is
/// read in memory (the limits keep it small), needs a recent passphrase and is written to the audit log.
/// </summary>
[Authorize(Policy = ConsoleAuthentication.AdminPolicy)]
[RecentPassphrase]
[RequestSizeLimit(PngLogo.MaxBytes + (16 * 1024))]
[RequestFormLimits(MultipartBodyLengthLimit = PngLogo.MaxBytes + (16 * 1024), MemoryBufferThreshold = PngLogo.MaxBytes + (16 * 1024), ValueCountLimit = 8)]
internal sealed class LogoModel : PageModel
{
    private readonly InstanceSettingsStore _store;
    private readonly AuditLog _audit;

    public LogoModel(InstanceSettingsStore store, AuditLog audit)
    {
        _store = store;
        _audit = audit;
    }

    public string Error { get; private set; } = "";

    public IActionResult OnGet() => Redirect("/admin/settings");

    public async Task<IActionResult> OnPostAsync(IFormFile? logo)
    {
        if (logo is null || logo.Length == 0)
        {
            return Refuse("Logo: choose a PNG file to upload.");
        }

        if (logo.Length > PngLogo.MaxBytes)
        {
            return Refuse($"Logo: the file is {logo.Length} bytes; at most {PngLogo.MaxBytes} bytes (256 KiB).");
        }

        var bytes = new byte[logo.Length];
        await using (var stream = logo.OpenReadStream())
        {
            await stream.ReadExactlyAsync(bytes, HttpContext.RequestAborted);
        }

        var check = PngLogo.Check(bytes);
        if (check.Problem is not null)
        {
            return Refuse("Logo: " + check.Problem);
        }

        await _store.SaveLogoAsync(check.Png, HttpContext.RequestAborted);
        await _audit.RecordAsync(HttpContext.UnlockedSession()!.JournalistId, "logo set", null, HttpContext.RequestAborted);
        return Redirect("/admin/settings?saved=1");
    }

    public async Task<IActionResult> OnPostRemoveAsync()
    {
        await _store.SaveLogoAsync(null, HttpContext.RequestAborted);
        await _audit.RecordAsync(HttpContext.UnlockedSession()!.JournalistId, "logo removed", null, HttpContext.RequestAborted);
        return Redirect("/admin/settings?saved=1");
    }

    private PageResult Refuse(string error)
    {
        Error = error + " Nothing was saved.";
        return new PageResult { StatusCode = StatusCodes.Status400BadRequest };
    }
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SecureDrop.Net.Core.Sources;
using SecureDrop.Net.Submission.Abuse;
using SecureDrop.Net.Submission.Localization;
using SecureDrop.Net.Submission.Sessions;

namespace SecureDrop.Net.Submission.Pages;

/// <summary>
/// A returning source signs in with the codename; only its Argon2id lookup id is compared, never stored as typed.
/// Each attempt costs a derivation, run in the bounded <see cref="KeyDerivationPool"/>; the rate limiter caps
/// attempts per minute before that.
/// </summary>
[RequestSizeLimit(16 * 1024)]
internal sealed class LoginModel : PageModel
{
    private readonly KeyDerivationPool _derivations;
    private readonly SourceStore _sources;
    private readonly SourceSessions _sessions;

    public LoginModel(KeyDerivationPool derivations, SourceStore sources, SourceSessions sessions)
    {
        _derivations = derivations;
        _sources = sources;
        _sessions = sessions;
    }

    public string? ErrorKey { get; private set; }

    public async Task<IActionResult> OnPostAsync([FromForm(Name = "codename")] string? codename)
    {
        if (codename is null || codename.Length > 512 || !Crypto.Codename.IsWellFormed(codename))
        {
            return Refuse("LoginMalformed");
        }

        var lookupId = await _derivations.TryLookupIdAsync(Crypto.Codename.Normalize(codename), HttpContext.RequestAborted);
        if (lookupId is null)
        {
            await AbuseProtection.Busy(HttpContext);
            return new EmptyResult();
        }

        var sourceId = await _sources.FindIdByLookupAsync(lookupId, HttpContext.RequestAborted);
        if (sourceId is null)
        {
            return Refuse("LoginUnknown");
        }

        _sessions.Start(HttpContext, sourceId);
        return Redirect(FrontEndLocalization.Href(HttpContext, "/submit"));
    }

    private PageResult Refuse(string errorKey)
    {
        ErrorKey = errorKey;
        return new PageResult { StatusCode = StatusCodes.Status400BadRequest };
    }
}

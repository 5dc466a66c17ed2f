using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SecureDrop.Net.Submission.Abuse;
using SecureDrop.Net.Submission.Localization;
using SecureDrop.Net.Submission.Sessions;

namespace SecureDrop.Net.Submission.Pages;

/// <summary>
/// A returning source signs in with the codename: <see cref="SourceSignIn"/> derives its lookup id and the key that
/// unlocks its reply key, in the bounded <see cref="KeyDerivationPool"/>; the rate limiter caps attempts per minute
/// before that. The codename is never stored as typed.
/// </summary>
[RequestSizeLimit(16 * 1024)]
internal sealed class LoginModel : PageModel
{
    private readonly SourceSignIn _signIn;

    public LoginModel(SourceSignIn signIn)
    {
        _signIn = signIn;
    }

    public string? ErrorKey { get; private set; }

    public async Task<IActionResult> OnPostAsync([FromForm(Name = "codename")] string? codename)
    {
        if (codename is null || codename.Length > 512 || !Crypto.Codename.IsWellFormed(codename))
        {
            return Refuse("LoginMalformed", StatusCodes.Status400BadRequest);
        }

        switch (await _signIn.SignInAsync(HttpContext, codename, create: false))
        {
            case SourceSignInResult.Busy:
                await AbuseProtection.Busy(HttpContext);
                return new EmptyResult();
            case SourceSignInResult.Unknown:
                return Refuse("LoginUnknown", StatusCodes.Status400BadRequest);
            case SourceSignInResult.KeyUnreadable:
                return Refuse("LoginKeyUnreadable", StatusCodes.Status500InternalServerError);
            default:
                return Redirect(FrontEndLocalization.Href(HttpContext, "/lookup"));
        }
    }

    private PageResult Refuse(string errorKey, int status)
    {
        ErrorKey = errorKey;
        return new PageResult { StatusCode = status };
    }
}

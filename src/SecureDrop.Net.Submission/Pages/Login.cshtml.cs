using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using SecureDrop.Net.Crypto;
using SecureDrop.Net.Submission.Abuse;
using SecureDrop.Net.Submission.Localization;
using SecureDrop.Net.Submission.Sessions;

namespace SecureDrop.Net.Submission.Pages;

/// <summary>
/// A returning source signs in with the codename, in any language's list whatever the page's language:
/// <see cref="Codename.Read"/> turns what they typed into the codename's canonical text (or says which word is in no
/// list), then <see cref="SourceSignIn"/> derives its lookup id and the key that unlocks its reply key, in the bounded
/// <see cref="KeyDerivationPool"/>; the rate limiter caps attempts per minute before that. The codename is never
/// stored as typed, and its language is stored nowhere.
/// </summary>
[RequestSizeLimit(16 * 1024)]
internal sealed class LoginModel : PageModel
{
    private readonly SourceSignIn _signIn;
    private readonly IStringLocalizer<SharedResource> _text;

    public LoginModel(SourceSignIn signIn, IStringLocalizer<SharedResource> text)
    {
        _signIn = signIn;
        _text = text;
    }

    /// <summary>The field shows what is typed (the default), or hides it: the source's choice, by link, no script.</summary>
    public bool Visible { get; private set; } = true;

    /// <summary>What went wrong, in the page's language.</summary>
    public string? Error { get; private set; }

    public void OnGet([FromQuery(Name = "show")] string? show)
    {
        Visible = show != "0";
    }

    public async Task<IActionResult> OnPostAsync([FromForm(Name = "codename")] string? codename, [FromForm(Name = "show")] string? show)
    {
        Visible = show != "0";
        if (codename is null)
        {
            return Refuse(_text["LoginEmpty"], StatusCodes.Status400BadRequest);
        }

        if (codename.Length > 512)
        {
            return Refuse(_text["LoginTooLong"], StatusCodes.Status400BadRequest);
        }

        var reading = Codename.Read(codename);
        switch (reading.Status)
        {
            case CodenameReadingStatus.Empty:
                return Refuse(_text["LoginEmpty"], StatusCodes.Status400BadRequest);
            case CodenameReadingStatus.NotAWord:
                // The word is shown back only when the source chose to see what they type.
                return Refuse(
                    Visible
                        ? _text.Format("LoginNotAWord", ("position", reading.Position), ("word", reading.Word!))
                        : _text.Format("LoginNotAWordHidden", ("position", reading.Position)),
                    StatusCodes.Status400BadRequest);
            case CodenameReadingStatus.Mixed:
                return Refuse(_text["LoginMixed"], StatusCodes.Status400BadRequest);
            case CodenameReadingStatus.WrongLength:
                return Refuse(
                    _text.Format("LoginWrongLength", ("language", reading.List!.Language), ("needed", reading.List.WordCount), ("typed", reading.WordsTyped)),
                    StatusCodes.Status400BadRequest);
        }

        switch (await _signIn.SignInAsync(HttpContext, reading.Canonical!, create: false))
        {
            case SourceSignInResult.Busy:
                await AbuseProtection.Busy(HttpContext);
                return new EmptyResult();
            case SourceSignInResult.Unknown:
                return Refuse(_text["LoginUnknown"], StatusCodes.Status400BadRequest);
            case SourceSignInResult.KeyUnreadable:
                return Refuse(_text["LoginKeyUnreadable"], StatusCodes.Status500InternalServerError);
            default:
                return Redirect(FrontEndLocalization.Href(HttpContext, "/lookup"));
        }
    }

    private PageResult Refuse(string error, int status)
    {
        Error = error;
        return new PageResult { StatusCode = status };
    }
}

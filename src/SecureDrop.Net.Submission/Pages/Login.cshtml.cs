using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SecureDrop.Net.Core.Sources;
using SecureDrop.Net.Crypto;
using SecureDrop.Net.Submission.Sessions;

namespace SecureDrop.Net.Submission.Pages;

/// <summary>A returning source signs in with the codename; only its Argon2id lookup id is compared, never stored as typed.</summary>
[RequestSizeLimit(16 * 1024)]
internal sealed class LoginModel : PageModel
{
    private readonly SourceIdentity _identity;
    private readonly SourceStore _sources;
    private readonly SourceSessions _sessions;

    public LoginModel(SourceIdentity identity, SourceStore sources, SourceSessions sessions)
    {
        _identity = identity;
        _sources = sources;
        _sessions = sessions;
    }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnPostAsync([FromForm(Name = "codename")] string? codename)
    {
        if (codename is null || codename.Length > 512 || !Crypto.Codename.IsWellFormed(codename))
        {
            return Refuse("That is not a codename: a codename is seven words, separated by spaces.");
        }

        var lookupId = _identity.LookupId(Crypto.Codename.Normalize(codename));
        var sourceId = await _sources.FindIdByLookupAsync(lookupId, HttpContext.RequestAborted);
        if (sourceId is null)
        {
            return Refuse("That codename was not recognised. Check each word and try again.");
        }

        _sessions.Start(HttpContext, sourceId);
        return Redirect("/submit");
    }

    private PageResult Refuse(string error)
    {
        Error = error;
        return new PageResult { StatusCode = StatusCodes.Status400BadRequest };
    }
}

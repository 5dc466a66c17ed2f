using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SecureDrop.Net.Core.Audit;
using Microsoft.Extensions.Options;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Jobs;
using SecureDrop.Net.Core.Sources;
using SecureDrop.Net.Core.Submissions;
using SecureDrop.Net.Crypto;
using SecureDrop.Net.Reviewer.Items;
using SecureDrop.Net.Reviewer.Sessions;

namespace SecureDrop.Net.Reviewer.Pages.Sources;

/// <summary>One source's conversation: messages decrypted in place (Razor escapes them), files as download links.</summary>
internal sealed class SourceModel : PageModel
{
    private readonly SourceStore _sources;
    private readonly SubmissionStore _submissions;
    private readonly ItemReader _reader;
    private readonly AuditLog _audit;
    private readonly IOptions<RetentionOptions> _retention;
    private readonly TimeProvider _time;

    public SourceModel(SourceStore sources, SubmissionStore submissions, ItemReader reader, AuditLog audit, IOptions<RetentionOptions> retention, TimeProvider time)
    {
        _sources = sources;
        _submissions = submissions;
        _reader = reader;
        _audit = audit;
        _retention = retention;
        _time = time;
    }

    public SourceSummary Source { get; private set; } = new();

    public IReadOnlyList<ConversationEntry> Entries { get; private set; } = [];

    /// <summary>The day a submission expires under retention, when that is near enough to warn about.</summary>
    public string? ExpiryWarning(StoredItem item) =>
        RetentionNotice.ExpiryWarning(item?.ReceivedDay ?? "", _retention.Value, _time.GetUtcNow());

    public async Task<IActionResult> OnGetAsync(string id)
    {
        var session = HttpContext.UnlockedSession();
        var source = Ids.IsWellFormed(id) ? await _sources.GetAsync(id, HttpContext.RequestAborted) : null;
        if (source is null || session is null)
        {
            return NotFound();
        }

        Source = source;
        var entries = new List<ConversationEntry>();
        foreach (var item in await _submissions.ItemsOfSourceAsync(id, HttpContext.RequestAborted))
        {
            entries.Add(Open(item, session));
        }

        Entries = entries;
        await _audit.RecordAsync(session.JournalistId, "view source", id, HttpContext.RequestAborted);
        return Page();
    }

    /// <summary>The reply form (see Replies/ReplyComposer); antiforgery is checked as on every console POST.</summary>
    public async Task<IActionResult> OnPostReplyAsync(string id, [FromForm(Name = "reply")] string? reply, [FromServices] Replies.ReplyComposer composer)
    {
        ArgumentNullException.ThrowIfNull(composer);
        var session = HttpContext.UnlockedSession();
        if (session is null || !Ids.IsWellFormed(id) || await _sources.GetAsync(id, HttpContext.RequestAborted) is null)
        {
            return NotFound();
        }

        return await composer.SendAsync(id, reply, session.JournalistId, HttpContext.RequestAborted) switch
        {
            null => Redirect($"/sources/{id}#replies"),
            Replies.ReplyRefusal.Empty => Replies.ReplyPages.Refused("The reply is empty: write something to send. Nothing was sent."),
            Replies.ReplyRefusal.TooLong => Replies.ReplyPages.Refused($"The reply is longer than {Replies.ReplyComposer.MaxCharacters} characters. Nothing was sent."),
            _ => Replies.ReplyPages.Refused("This source has no reply key yet: it gets one at its next sign-in with its codename. Nothing was sent."),
        };
    }

    private ConversationEntry Open(StoredItem item, UnlockedSession session)
    {
        try
        {
            if (item.IsMessage)
            {
                var message = _reader.Decrypt(item, session);
                return new ConversationEntry(item, Encoding.UTF8.GetString(message.Content), null, null);
            }

            // Only the name is needed here; the content is decrypted again when the file is downloaded.
            var name = item.CiphertextBytes <= ItemReader.InMemoryLimit ? _reader.Decrypt(item, session).FileName : _reader.Verify(item, session);
            return new ConversationEntry(item, null, name, null);
        }
        catch (CryptoException exception)
        {
            return new ConversationEntry(item, null, null, "This item cannot be decrypted: " + exception.Message);
        }
    }
}

internal sealed record ConversationEntry(StoredItem Item, string? Text, string? FileName, string? Error);

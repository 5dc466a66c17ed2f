using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Submissions;
using SecureDrop.Net.Reviewer.Items;
using SecureDrop.Net.Reviewer.Sessions;
using SecureDrop.Net.Reviewer.Sources;
using SecureDrop.Net.Vault.Jobs;
using SecureDrop.Net.Vault.Sources;
using SecureDrop.Net.Vault.Submissions;

namespace SecureDrop.Net.Reviewer.Pages.Sources;

/// <summary>
/// One source's conversation, with its star, status, labels and read flags. Every change is a POST (antiforgery
/// checked by Razor Pages) that the audit log records, then a redirect back here.
/// </summary>
// Large enough for a reply of ReplyComposer.MaxCharacters in any script (up to 4 bytes each in UTF-8).
[RequestSizeLimit(128 * 1024)]
internal sealed class SourceModel : PageModel
{
    private readonly Conversation _conversation;
    private readonly SourceActions _actions;
    private readonly Scrubber _scrubber;
    private readonly IOptions<RetentionOptions> _retention;
    private readonly TimeProvider _time;
    private readonly Core.Settings.InstanceSettingsStore _settings;
    private RetentionOptions _retentionInForce = new();

    public SourceModel(Conversation conversation, SourceActions actions, Scrubber scrubber, IOptions<RetentionOptions> retention, TimeProvider time, Core.Settings.InstanceSettingsStore settings)
    {
        _settings = settings;
        _conversation = conversation;
        _actions = actions;
        _scrubber = scrubber;
        _retention = retention;
        _time = time;
    }

    [FromRoute]
    public string Id { get; set; } = "";

    public SourceSummary Source { get; private set; } = new();

    /// <summary>Messages, files and replies in the order they happened.</summary>
    public IReadOnlyList<TimelineEntry> Timeline { get; private set; } = [];

    /// <summary>The timeline as the journalist reads it: one card per submission (its message and files), one per reply.</summary>
    public IReadOnlyList<ConversationCard> Cards { get; private set; } = [];

    public bool CanReply { get; private set; }

    public string? Error { get; private set; }

    public bool CanScrub(ItemMetadata file) => _scrubber.Supports(file?.FileName ?? "");

    /// <summary>The day a submission expires under retention, when that is near enough to warn about.</summary>
    public string? ExpiryWarning(StoredItem item) =>
        RetentionNotice.ExpiryWarning(item?.ReceivedDay ?? "", _retentionInForce, _time.GetUtcNow());

    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} bytes",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KiB",
        < 1024L * 1024 * 1024 => $"{bytes / (1024.0 * 1024):0.#} MiB",
        _ => $"{bytes / (1024.0 * 1024 * 1024):0.##} GiB",
    };

    public async Task<IActionResult> OnGetAsync()
    {
        var opened = await _conversation.OpenAsync(Id, HttpContext.UnlockedSession()!, HttpContext.RequestAborted);
        if (opened is null)
        {
            return NotFound();
        }

        Source = opened.Source;
        Timeline = opened.Timeline;
        Cards = ConversationCard.Group(opened.Timeline);
        CanReply = opened.CanReply;
        // The retention period an admin set in the console wins over the environment's, as in the worker's job.
        var environment = _retention.Value;
        var days = (await _settings.ReadAsync(HttpContext.RequestAborted)).RetentionDays ?? environment.SubmissionDays;
        _retentionInForce = new RetentionOptions { SubmissionDays = days, WarningDays = environment.WarningDays, AbandonedSourceDays = environment.AbandonedSourceDays };
        return Page();
    }

    public Task<IActionResult> OnPostStarAsync([FromForm(Name = "starred")] bool starred) =>
        ApplyAsync(session => _actions.StarAsync(session, Id, starred, HttpContext.RequestAborted));

    public Task<IActionResult> OnPostStatusAsync([FromForm(Name = "status")] string? status) =>
        ApplyAsync(session => _actions.StatusAsync(session, Id, status, HttpContext.RequestAborted));

    public Task<IActionResult> OnPostLabelAsync([FromForm(Name = "label")] string? label) =>
        ApplyAsync(session => _actions.AddLabelAsync(session, Id, label, HttpContext.RequestAborted));

    public Task<IActionResult> OnPostUnlabelAsync([FromForm(Name = "label")] string? label) =>
        ApplyAsync(session => _actions.RemoveLabelAsync(session, Id, label, HttpContext.RequestAborted));

    public Task<IActionResult> OnPostReadAsync([FromForm(Name = "item")] string? item, [FromForm(Name = "read")] bool read) =>
        ApplyAsync(session => _actions.SetReadAsync(session, Id, string.IsNullOrEmpty(item) ? null : item, read, HttpContext.RequestAborted));

    /// <summary>The reply form (see Replies/ReplyComposer); antiforgery is checked as on every console POST.</summary>
    public async Task<IActionResult> OnPostReplyAsync([FromForm(Name = "reply")] string? reply, [FromServices] Replies.ReplyComposer composer, [FromServices] SourceRecords sources)
    {
        ArgumentNullException.ThrowIfNull(composer);
        ArgumentNullException.ThrowIfNull(sources);
        var session = HttpContext.UnlockedSession();
        if (session is null || !Ids.IsWellFormed(Id) || await sources.GetAsync(Id, HttpContext.RequestAborted) is null)
        {
            return NotFound();
        }

        return await composer.SendAsync(Id, reply, session.JournalistId, HttpContext.RequestAborted) switch
        {
            null => Redirect($"/sources/{Id}#replies"),
            Replies.ReplyRefusal.Empty => Replies.ReplyPages.Refused("The reply is empty: write something to send. Nothing was sent."),
            Replies.ReplyRefusal.TooLong => Replies.ReplyPages.Refused($"The reply is longer than {Replies.ReplyComposer.MaxCharacters} characters. Nothing was sent."),
            _ => Replies.ReplyPages.Refused("This source has no reply key yet: it gets one at its next sign-in with its codename. Nothing was sent."),
        };
    }

    private async Task<IActionResult> ApplyAsync(Func<UnlockedSession, Task<ActionOutcome>> action)
    {
        var outcome = await action(HttpContext.UnlockedSession()!);
        if (outcome.Missing)
        {
            return NotFound();
        }

        if (outcome.Problem is not null)
        {
            var result = await OnGetAsync();
            Error = outcome.Problem;
            return result is PageResult ? new PageResult { StatusCode = StatusCodes.Status400BadRequest } : result;
        }

        return Redirect($"/sources/{Id}");
    }
}

/// <summary>A submission with its items (the message first, then the files, as the source sent them), or a reply.</summary>
internal sealed record ConversationCard(ReplyEntry? Reply, IReadOnlyList<ConversationEntry> Items)
{
    public StoredItem First => Items[0].Item;

    public int Unread => Items.Count(i => !i.Item.IsRead);

    public static IReadOnlyList<ConversationCard> Group(IReadOnlyList<TimelineEntry> timeline)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        var cards = new List<ConversationCard>();
        foreach (var step in timeline)
        {
            if (step.Reply is { } reply)
            {
                cards.Add(new ConversationCard(reply, []));
            }
            else if (cards.Count > 0 && cards[^1].Reply is null && cards[^1].First.SubmissionId == step.Item!.Item.SubmissionId)
            {
                ((List<ConversationEntry>)cards[^1].Items).Add(step.Item);
            }
            else
            {
                cards.Add(new ConversationCard(null, new List<ConversationEntry> { step.Item! }));
            }
        }

        return cards;
    }
}

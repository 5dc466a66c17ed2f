using Hangfire;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SecureDrop.Net.Core.Keys;
using SecureDrop.Net.Core.Replies;
using SecureDrop.Net.Core.Submissions;
using SecureDrop.Net.Reviewer.Sessions;

namespace SecureDrop.Net.Reviewer.Pages.Admin;

/// <summary>
/// The newsroom keys, read-only: which is active, which are retired, how many items, metadata headers and replies
/// each still opens, and how a re-wrap stands. Changing keys is sdnet's job on the server (it needs the vault key for the command's length).
/// </summary>
[Authorize(Policy = ConsoleAuthentication.AdminPolicy)]
internal sealed class KeysModel : PageModel
{
    private readonly NewsroomKeys _keys;
    private readonly SubmissionStore _submissions;
    private readonly ReplyStore _replies;
    private readonly JobStorage _jobs;

    public KeysModel(NewsroomKeys keys, SubmissionStore submissions, ReplyStore replies, JobStorage jobs)
    {
        _keys = keys;
        _submissions = submissions;
        _replies = replies;
        _jobs = jobs;
    }

    public IReadOnlyList<NewsroomKeyRecord> Keys { get; private set; } = [];

    /// <summary>Items, metadata headers and replies by the key they are on.</summary>
    public KeyUsage Usage { get; private set; } = new(new Dictionary<string, KeyUsageCount>(), KeyUsageCount.None);

    /// <summary>Items, metadata headers and replies not yet on the active key: what a re-wrap still has to do.</summary>
    public KeyUsageCount OnOlderKeys => Usage.NotOnActive;

    public long RewrapWaiting { get; private set; }

    public long RewrapFailed { get; private set; }

    public bool RewrapRunning { get; private set; }

    public async Task OnGetAsync()
    {
        Keys = _keys.Records();
        Usage = await KeyUsage.ReadAsync(_keys, _submissions, _replies, HttpContext.RequestAborted);
        var monitoring = _jobs.GetMonitoringApi();
        var queue = monitoring.Queues().FirstOrDefault(q => q.Name == RewrapJob.Queue);
        RewrapWaiting = (queue?.Length ?? 0) + (queue?.Fetched ?? 0);
        RewrapRunning = monitoring.Servers().Any(server => server.Queues.Contains(RewrapJob.Queue));
        RewrapFailed = monitoring.FailedJobs(0, 1000).Count(job => job.Value.Job?.Type == typeof(RewrapJob));
    }

    public static string Spaced(string fingerprint) => string.Join(' ', fingerprint.Chunk(4).Select(c => new string(c)));
}
